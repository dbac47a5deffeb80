using System.Text;

namespace TinyAgent.Harness.Clients;

/// <summary>Keeps the last <c>capacity</c> characters of a process's output lines.</summary>
internal sealed class TailBuffer(int capacity)
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();
    private bool _trimmed;

    public void AppendLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _text.Append(line).Append('\n');
            if (_text.Length > capacity)
            {
                _text.Remove(0, _text.Length - capacity);
                _trimmed = true;
            }
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return (_trimmed ? "[...]" : "") + _text;
        }
    }
}
