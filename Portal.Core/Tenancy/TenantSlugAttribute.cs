using System.Diagnostics.CodeAnalysis;
using Portal.Core.Common;

namespace Portal.Core.Tenancy;

/// <summary>Validation attribute applying <see cref="TenantSlug"/>'s rules, for forms and API models.</summary>
public sealed class TenantSlugAttribute : StringRuleAttribute
{
    protected override bool TryValidate(string value, [NotNullWhen(false)] out string? error) =>
        TenantSlug.TryValidate(value, out error);
}
