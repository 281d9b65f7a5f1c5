using System.Text;

namespace NgsiFlow.Cli.Tests.Infrastructure;

/// <summary>A text writer a running command writes to while the test reads what it has written so far.</summary>
internal sealed class SharedWriter : TextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public string Snapshot()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }

    public override void Write(char value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_text)
        {
            _text.Append(buffer, index, count);
        }
    }
}
