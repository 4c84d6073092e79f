using Microsoft.AspNetCore.Components.Forms;

namespace Portal.Components.Shared;

public static class ServerErrors
{
    /// <summary>
    /// Shows errors the server found (a taken tenant name, a weak password) next to their fields. Keys are the
    /// API's camelCase field names; an empty key belongs to the whole form.
    /// </summary>
    public static void Show(this ValidationMessageStore store, EditContext context, IReadOnlyDictionary<string, string[]>? errors)
    {
        store.Clear();
        foreach (var (field, messages) in errors ?? new Dictionary<string, string[]>())
        {
            var name = field.Length == 0 ? "" : char.ToUpperInvariant(field[0]) + field[1..];
            store.Add(context.Field(name), messages);
        }

        context.NotifyValidationStateChanged();
    }
}
