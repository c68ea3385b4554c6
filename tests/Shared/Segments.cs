using System.Buffers;

namespace TlsEngine.Testing;

/// <summary>Builds a multi-segment <see cref="ReadOnlySequence{T}"/> from separate buffers, as Pipelines hands them out.</summary>
public static class Segments
{
    public static ReadOnlySequence<byte> Sequence(params ReadOnlyMemory<byte>[] parts)
    {
        if (parts.Length == 0) return ReadOnlySequence<byte>.Empty;
        var first = new Segment(parts[0]);
        var last = first;
        for (int i = 1; i < parts.Length; i++) last = last.Append(parts[i]);
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary><paramref name="data"/> cut into consecutive segments of the given lengths (the last takes the rest).</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlyMemory<byte> data, params int[] lengths)
    {
        var parts = new List<ReadOnlyMemory<byte>>();
        foreach (int n in lengths)
        {
            parts.Add(data[..n]);
            data = data[n..];
        }
        if (!data.IsEmpty || parts.Count == 0) parts.Add(data);
        return Sequence([.. parts]);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
