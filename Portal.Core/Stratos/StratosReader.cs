using System.Globalization;
using System.Text.Json;

namespace Portal.Core.Stratos;

/// <summary>
/// Reads one JSON object of a Stratos artifact leniently, as Stratos wrote them: numbers and booleans may be strings
/// (<c>"port": "8080"</c>, <c>"multiTenant": "false"</c>), field names in any case. Whatever cannot be read is a
/// warning (named by its path), never an exception; fields nobody asked for are reported by <see cref="Complete"/>.
/// </summary>
public sealed class StratosReader
{
    private readonly JsonElement element;
    private readonly ICollection<string> warnings;
    private readonly HashSet<string> read = new(StringComparer.OrdinalIgnoreCase);

    public StratosReader(JsonElement element, string path, ICollection<string> warnings)
    {
        this.element = element;
        this.warnings = warnings;
        Path = path;
    }

    /// <summary>Where this object sits in the artifact, e.g. <c>portMapping[1]</c> (empty for the artifact itself).</summary>
    public string Path { get; }

    public bool Has(string name) => Find(name) is not null;

    /// <summary>A text field; numbers and booleans are read as their text.</summary>
    public string? Text(string name)
    {
        if (Find(name) is not { } value)
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Number:
            case JsonValueKind.True:
            case JsonValueKind.False:
                return value.GetRawText();
            case JsonValueKind.Null:
                return null;
            default:
                Warn(name, "is not a text; ignored.");
                return null;
        }
    }

    /// <summary>A whole number, written as a number or as a string; a fraction is rounded (with a warning).</summary>
    public int? Whole(string name)
    {
        if (Number(name) is not { } number)
        {
            return null;
        }

        if (number is < int.MinValue or > int.MaxValue)
        {
            Warn(name, $"{number.ToString(CultureInfo.InvariantCulture)} is out of range; ignored.");
            return null;
        }

        var rounded = (int)Math.Round(number, MidpointRounding.AwayFromZero);
        if (rounded != number)
        {
            Warn(name, $"{number.ToString(CultureInfo.InvariantCulture)} is rounded to {rounded}.");
        }

        return rounded;
    }

    /// <summary>A number, written as a number or as a string.</summary>
    public double? Number(string name)
    {
        if (Find(name) is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String
            && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number)
            && double.IsFinite(number))
        {
            return number;
        }

        Warn(name, $"{value.GetRawText()} is not a number; ignored.");
        return null;
    }

    /// <summary>A boolean, written as <c>true</c> or as <c>"true"</c> (any case).</summary>
    public bool? Bool(string name)
    {
        if (Find(name) is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        if (value.ValueKind == JsonValueKind.String && bool.TryParse(value.GetString()?.Trim(), out var flag))
        {
            return flag;
        }

        Warn(name, $"{value.GetRawText()} is not true or false; ignored.");
        return null;
    }

    /// <summary>A nested object, or null when absent (or not an object: a warning).</summary>
    public StratosReader? Child(string name)
    {
        if (Find(name) is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Warn(name, "is not an object; ignored.");
            return null;
        }

        return new StratosReader(value, Join(name), warnings);
    }

    /// <summary>The objects of an array field (a single object is taken as an array of one, as Stratos's XML-born JSON did).</summary>
    public IReadOnlyList<StratosReader> Objects(string name)
    {
        if (Find(name) is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            return [new StratosReader(value, Join(name), warnings)];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Warn(name, "is not a list; ignored.");
            return [];
        }

        var list = new List<StratosReader>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object)
            {
                list.Add(new StratosReader(item, $"{Join(name)}[{index}]", warnings));
            }
            else
            {
                warnings.Add($"{Join(name)}[{index}]: is not an object; ignored.");
            }

            index++;
        }

        return list;
    }

    /// <summary>Whether the field is a list whose first item is an object (Stratos wrote some lists both ways).</summary>
    public bool HoldsObjects(string name) =>
        Find(name) is { ValueKind: JsonValueKind.Array } list && list.GetArrayLength() > 0 && list[0].ValueKind == JsonValueKind.Object;

    /// <summary>The texts of an array field (a single text is taken as a list of one).</summary>
    public IReadOnlyList<string> Strings(string name)
    {
        if (Find(name) is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return [value.GetString()!];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Warn(name, "is not a list; ignored.");
            return [];
        }

        var list = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            {
                list.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText());
            }
            else
            {
                warnings.Add($"{Join(name)}[{index}]: is not a text; ignored.");
            }

            index++;
        }

        return list;
    }

    /// <summary>Stratos's <c>[{ "name": ..., "value": ... }]</c> property lists, as a map (later names win).</summary>
    public IReadOnlyDictionary<string, string> Properties(string name)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in Objects(name))
        {
            var key = property.Text("name");
            var value = property.Text("value");
            property.Complete();
            if (string.IsNullOrWhiteSpace(key))
            {
                warnings.Add($"{property.Path}: a property without a name; ignored.");
                continue;
            }

            map[key] = value ?? "";
        }

        return map;
    }

    /// <summary>
    /// Fields the portal knows and has no use for: each present one is reported once, with <paramref name="why"/>.
    /// </summary>
    public void Ignore(string why, params string[] names)
    {
        var present = names.Where(n => Find(n) is { } value && !IsEmpty(value)).ToList();
        foreach (var name in names)
        {
            read.Add(name);
        }

        if (present.Count > 0)
        {
            warnings.Add($"{string.Join(", ", present.Select(Join))}: ignored ({why}).");
        }
    }

    /// <summary>Reports every field of this object that was neither read nor ignored.</summary>
    public void Complete()
    {
        foreach (var property in element.EnumerateObject().Where(p => !read.Contains(p.Name)))
        {
            warnings.Add($"{Join(property.Name)}: unknown field; ignored.");
        }
    }

    public void Warn(string name, string message) => warnings.Add($"{Join(name)}: {message}");

    private JsonElement? Find(string name)
    {
        read.Add(name);
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private string Join(string name) => Path.Length == 0 ? name : $"{Path}.{name}";

    private static bool IsEmpty(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => true,
        JsonValueKind.Object => !value.EnumerateObject().Any(),
        JsonValueKind.Array => value.GetArrayLength() == 0,
        JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetString()),
        _ => false,
    };
}
