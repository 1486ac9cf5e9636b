using System.Net;
using System.Net.Sockets;

namespace Reliability.Load.Tests;

internal static class Ports
{
    /// <summary>A loopback port with nothing listening: connections to it are refused.</summary>
    public static int Closed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
