using System.Buffers;
using System.Text;

namespace Reliability.Load.Http;

/// <summary>
/// Walks a chunked body (RFC 9112 section 7.1) as it arrives: the data goes to a sink when the caller keeps
/// the body (a created task's id), and is discarded otherwise, when the lean client only needs to know where
/// the response ends. Incomplete size or trailer lines are left unconsumed for the caller to keep.
/// </summary>
internal sealed class ChunkedBody
{
    private const int MaxLine = 4096;
    private State _state = State.Size;
    private long _remaining;
    private IBufferWriter<byte>? _data;

    private enum State { Size, Data, DataEnd, Trailer, Done }

    public bool IsComplete => _state == State.Done;

    /// <summary>Starts over for the next body (one per connection, not one per response); its data goes to <paramref name="data"/>, if any.</summary>
    public ChunkedBody Reset(IBufferWriter<byte>? data = null)
    {
        _state = State.Size;
        _remaining = 0;
        _data = data;
        return this;
    }

    /// <summary>Consumes what it can of <paramref name="input"/> and returns how many bytes that was.</summary>
    public int Consume(ReadOnlySpan<byte> input)
    {
        var position = 0;
        while (position < input.Length && _state != State.Done)
        {
            var rest = input[position..];
            switch (_state)
            {
                case State.Size:
                {
                    var end = LineEnd(rest);
                    if (end < 0)
                    {
                        return position;
                    }
                    _remaining = ParseSize(rest[..end]);
                    position += end + 2;
                    _state = _remaining == 0 ? State.Trailer : State.Data;
                    break;
                }
                case State.Data:
                {
                    var take = (int)Math.Min(_remaining, rest.Length);
                    _data?.Write(rest[..take]);
                    position += take;
                    _remaining -= take;
                    if (_remaining == 0)
                    {
                        _state = State.DataEnd;
                    }
                    break;
                }
                case State.DataEnd:
                    if (rest.Length < 2)
                    {
                        return position;
                    }
                    if (!rest.StartsWith("\r\n"u8))
                    {
                        throw new MalformedResponseException("chunk data not followed by CRLF");
                    }
                    position += 2;
                    _state = State.Size;
                    break;
                case State.Trailer:
                {
                    var end = LineEnd(rest);
                    if (end < 0)
                    {
                        return position;
                    }
                    position += end + 2;
                    if (end == 0)
                    {
                        _state = State.Done;
                    }
                    break;
                }
            }
        }
        return position;
    }

    private static int LineEnd(ReadOnlySpan<byte> rest)
    {
        var end = rest.IndexOf("\r\n"u8);
        if (end < 0 && rest.Length > MaxLine)
        {
            throw new MalformedResponseException($"chunk size or trailer line longer than {MaxLine} bytes");
        }
        return end;
    }

    private static int HexValue(byte digit) => digit switch
    {
        >= (byte)'0' and <= (byte)'9' => digit - '0',
        >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
        _ => -1,
    };

    private static MalformedResponseException Malformed(ReadOnlySpan<byte> line) =>
        new($"malformed chunk size '{Encoding.ASCII.GetString(line[..Math.Min(line.Length, 32)])}'");

    private static long ParseSize(ReadOnlySpan<byte> line)
    {
        var extension = line.IndexOf((byte)';');
        var digits = (extension < 0 ? line : line[..extension]).Trim(" \t"u8);
        if (digits.IsEmpty || digits.Length > 15)
        {
            throw Malformed(line);
        }
        long size = 0;
        foreach (var digit in digits)
        {
            var value = HexValue(digit);
            if (value < 0)
            {
                throw Malformed(line);
            }
            size = (size << 4) | (uint)value;
        }
        return size;
    }
}
