using System.Net;
using System.Net.Sockets;

namespace Reliability.Sut.Local.Processes;

public static class FreePort
{
    /// <summary>A port the kernel just handed out on 127.0.0.1. Another process could take it before use; callers that can, retry.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
