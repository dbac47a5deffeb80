using System.Text;
using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Plan.Faults;

/// <summary>
/// The compact spec grammar, the one parser behind <c>--chunking</c>, <c>--chaos</c>, <c>--replay</c> and the fault
/// descriptions a plan carries:
/// <code>
/// list    = item *(SEP item)              ; SEP: ';' between faults (--chunking, a plan spec), ',' between --chaos entries
/// item    = fault ["=" weight]            ; a weight only in --chaos
/// fault   = kind [":" options | "(" options ")"]
/// options = name "=" value *("," name "=" value)
/// value   = text up to "," | JSON string  ; a list joins its items with "+"
/// </code>
/// A separator inside parentheses or a JSON string does not split. <see cref="Quote"/> says which values the printer
/// must quote so that they parse back.
/// </summary>
internal sealed record FaultSpec(string Kind, IReadOnlyList<KeyValuePair<string, string>> Options)
{
    /// <summary>Parses one fault; <paramref name="path"/> names it in errors.</summary>
    public static FaultSpec Parse(string text, string path)
    {
        text = text.Trim();
        int split = text.IndexOfAny([':', '(']);
        if (split < 0)
        {
            return new FaultSpec(text, []);
        }

        string args = text[(split + 1)..];
        if (text[split] == '(')
        {
            args = args.EndsWith(')')
                ? args[..^1]
                : throw new HarnessInputException(FaultBinder.Label(path), $"'{text}' is missing its closing ')'");
        }

        return new FaultSpec(text[..split], Pairs(args, path));
    }

    /// <summary>Splits a list on <paramref name="separator"/> outside parentheses and JSON strings; empty items are dropped.</summary>
    public static List<string> SplitList(string text, char separator)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        int depth = 0;
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                current.Append(c);
                if (c == '\\' && i + 1 < text.Length)
                {
                    current.Append(text[++i]);
                }
                else if (c == '"')
                {
                    quoted = false;
                }

                continue;
            }

            if (c == separator && depth == 0)
            {
                parts.Add(current.ToString().Trim());
                current.Clear();
                continue;
            }

            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            quoted = c == '"';
            current.Append(c);
        }

        parts.Add(current.ToString().Trim());
        return [.. parts.Where(p => p.Length > 0)];
    }

    /// <summary>An item's fault and its weight text (after the <c>=</c> that follows the options' closing parenthesis), or null.</summary>
    public static (string Fault, string? Weight) SplitWeight(string item)
    {
        int eq = item.IndexOf('=', item.LastIndexOf(')') + 1);
        return eq < 0 ? (item, null) : (item[..eq].Trim(), item[(eq + 1)..]);
    }

    /// <summary>A value as the grammar reads it back: bare when it can be, else a JSON string.</summary>
    public static string Quote(string value) =>
        value.Length == 0 || value.Trim() != value || value.AsSpan().IndexOfAny(",()=+\"\\") >= 0 || value.Any(char.IsControl)
            ? JsonSerializer.Serialize(value)
            : value;

    /// <summary>Splits <c>a=1,b="x,y"</c> into pairs; a value starting with a quote is a JSON string.</summary>
    private static List<KeyValuePair<string, string>> Pairs(string args, string path)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        int pos = 0;
        while (pos < args.Length)
        {
            int eq = args.IndexOf('=', pos);
            if (eq < 0)
            {
                throw new HarnessInputException(FaultBinder.Label(path), $"'{args[pos..]}' is not name=value");
            }

            string name = args[pos..eq].Trim();
            pos = eq + 1;
            string value;
            if (pos < args.Length && args[pos] == '"')
            {
                int end = pos + 1;
                while (end < args.Length && args[end] != '"')
                {
                    end += args[end] == '\\' ? 2 : 1;
                }

                if (end >= args.Length)
                {
                    throw new HarnessInputException(FaultBinder.Join(path, name), "unterminated quoted value");
                }

                value = JsonSerializer.Deserialize<string>(args[pos..(end + 1)])!;
                pos = end + 1;
            }
            else
            {
                int end = args.IndexOf(',', pos);
                end = end < 0 ? args.Length : end;
                value = args[pos..end].Trim();
                pos = end;
            }

            if (pos < args.Length && args[pos] != ',')
            {
                throw new HarnessInputException(FaultBinder.Join(path, name), "expected ',' after the value");
            }

            pos++;
            pairs.Add(new(name, value));
        }

        return pairs;
    }
}
