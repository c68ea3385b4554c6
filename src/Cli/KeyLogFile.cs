namespace TlsEngine.Cli;

/// <summary>Appends NSS key log lines to a file created with mode 0600 (it holds traffic secrets).</summary>
internal static class KeyLogFile
{
    public static Action<string> Open(string path)
    {
        if (!File.Exists(path))
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var created = new FileStream(path, options);
        }
        var gate = new object();
        return line =>
        {
            lock (gate) File.AppendAllText(path, line + "\n");
        };
    }
}
