using System.Net.Http;
using System.Net.Sockets;

namespace Reliability.Load.Scenarios;

/// <summary>Names what went wrong the way an SRE reads it: timeout, connection refused or reset, or the exception type.</summary>
internal static class FailureReason
{
    public const string Timeout = "timeout";
    public const string ConnectionRefused = "connection_refused";
    public const string ConnectionReset = "connection_reset";
    public const string Dropped = "dropped";
    public const string ProtocolError = "http_protocol_error";

    public static string Of(Exception exception) => exception switch
    {
        TaskCanceledException { InnerException: TimeoutException } => Timeout,
        TimeoutException => Timeout,
        HttpRequestException { InnerException: SocketException socket } => Of(socket),
        SocketException socket => Of(socket),
        HttpRequestException { InnerException: IOException { InnerException: SocketException socket } } => Of(socket),
        HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } => ConnectionReset,
        Http.MalformedResponseException => ProtocolError,
        HttpRequestException http => $"http_error_{http.HttpRequestError}".ToLowerInvariant(),
        _ => $"exception:{exception.GetType().Name}",
    };

    private static string Of(SocketException socket) => socket.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => ConnectionRefused,
        SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown => ConnectionReset,
        SocketError.TimedOut => Timeout,
        var other => $"socket_{other}".ToLowerInvariant(),
    };
}
