namespace TlsEngine.X509;

/// <summary>
/// Turns a span read from a buffer back into memory over that buffer, so parsed fields can be kept without copying
/// (certificates here, handshake messages in the TLS layer).
/// </summary>
internal static class MemorySlice
{
    /// <summary>
    /// <paramref name="part"/> as a slice of <paramref name="owner"/> when it lies inside it; otherwise (a reader over
    /// other memory) a copy.
    /// </summary>
    public static ReadOnlyMemory<byte> Within(ReadOnlyMemory<byte> owner, ReadOnlySpan<byte> part) =>
        owner.Span.Overlaps(part, out int offset) && offset >= 0 && offset + part.Length <= owner.Length
            ? owner.Slice(offset, part.Length)
            : part.ToArray();
}
