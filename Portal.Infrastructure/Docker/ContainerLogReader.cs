using System.Runtime.CompilerServices;
using System.Text;
using Docker.DotNet;
using Portal.Core.Applications;

namespace Portal.Infrastructure.Docker;

/// <summary>
/// Reads the engine's log stream of a container without a TTY (frames of stdout and stderr, each line starting with
/// the engine's RFC 3339 time) into <see cref="ContainerLogLine"/>s. A frame may end in the middle of a line or of a
/// UTF-8 character: each stream keeps its own unfinished line.
/// </summary>
internal static class ContainerLogReader
{
    public static async IAsyncEnumerable<ContainerLogLine> ReadAsync(
        MultiplexedStream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stdout = new LineSplitter(LogStream.Stdout);
        var stderr = new LineSplitter(LogStream.Stderr);
        var buffer = new byte[16 * 1024];

        // A read waiting on the engine's socket does not always end with the token: closing the stream ends it.
        await using var cancel = cancellationToken.Register(stream.Dispose);
        while (true)
        {
            MultiplexedStream.ReadResult read;
            try
            {
                read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && e is ObjectDisposedException or IOException)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            if (read.EOF)
            {
                break;
            }

            var splitter = read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout;
            foreach (var line in splitter.Add(buffer, read.Count))
            {
                yield return line;
            }
        }

        foreach (var line in stdout.Flush().Concat(stderr.Flush()))
        {
            yield return line;
        }
    }

    /// <summary>One stream's bytes into lines; of a very long line only what is shown is kept.</summary>
    private sealed class LineSplitter(LogStream stream)
    {
        /// <summary>The engine's time (30 characters), a space and the text shown.</summary>
        private const int Kept = ContainerLogs.MaxLineLength + 40;

        private readonly Decoder decoder = Encoding.UTF8.GetDecoder();
        private readonly StringBuilder pending = new();
        private char[] chars = [];
        private DateTimeOffset lastAt = DateTimeOffset.UnixEpoch;

        public List<ContainerLogLine> Add(byte[] bytes, int count)
        {
            var needed = Encoding.UTF8.GetMaxCharCount(count);
            if (chars.Length < needed)
            {
                chars = new char[needed];
            }

            var decoded = decoder.GetChars(bytes, 0, count, chars, 0, flush: false);
            var lines = new List<ContainerLogLine>();
            var start = 0;
            for (var i = 0; i < decoded; i++)
            {
                if (chars[i] == '\n')
                {
                    Append(start, i - start);
                    lines.Add(Complete());
                    start = i + 1;
                }
            }

            Append(start, decoded - start);
            return lines;
        }

        /// <summary>The unfinished line, when the stream ends without a line end.</summary>
        public IEnumerable<ContainerLogLine> Flush() => pending.Length > 0 ? [Complete()] : [];

        private void Append(int start, int length)
        {
            var room = Kept - pending.Length;
            if (room > 0)
            {
                pending.Append(chars, start, Math.Min(room, length));
            }
        }

        private ContainerLogLine Complete()
        {
            var text = pending.ToString();
            pending.Clear();
            if (ContainerLogs.ParseTimestamped(text) is { } parsed)
            {
                lastAt = parsed.At;
                return new ContainerLogLine(parsed.At, stream, parsed.Text);
            }

            return new ContainerLogLine(lastAt, stream, ContainerLogs.Cut(text)); // no time: the previous line's
        }
    }
}
