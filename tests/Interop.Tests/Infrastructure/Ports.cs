using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TlsEngine.Interop.Tests.Infrastructure;

/// <summary>Loopback ports for openssl s_server, which binds its own socket.</summary>
public static class Ports
{
    /// <summary>A port that was free a moment ago (bind to 0, read, release); callers retry on a bind collision.</summary>
    public static int Free()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>True if a socket listens on 127.0.0.1:<paramref name="port"/> (or on any address), read from /proc/net/tcp without connecting.</summary>
    public static bool IsListening(int port)
    {
        const string Listen = "0A";
        string hexPort = port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 3 && f[3] == Listen && f[1].EndsWith(":" + hexPort, StringComparison.Ordinal)) return true;
            }
        }
        return false;
    }
}
