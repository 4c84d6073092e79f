using System.ComponentModel.DataAnnotations;
using Portal.Core.Routing;

namespace Portal.Components.Pages.Admin;

/// <summary>
/// The admin console's "add a custom domain" form. On submit it checks every field at once, the host with the router's
/// own rule (<see cref="ApplicationHosts.CheckCustomDomain"/>); the service checks everything again, with what exists by then.
/// </summary>
public sealed class DomainForm : IValidatableObject
{
    public string Host { get; set; } = "";

    public string Tenant { get; set; } = "";

    public string Application { get; set; } = "";

    /// <summary>The domain applications are served under, which a custom domain may not be under.</summary>
    public string AppsDomain { get; set; } = "";

    /// <summary>The host as the service stores it: trimmed, lower-case, without a trailing dot.</summary>
    public string NormalizedHost => ApplicationHosts.Normalize(Host);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ApplicationHosts.CheckCustomDomain(NormalizedHost, AppsDomain) is { } problem)
        {
            yield return new ValidationResult(problem, [nameof(Host)]);
        }

        if (string.IsNullOrWhiteSpace(Tenant))
        {
            yield return new ValidationResult("Name the tenant (its slug, such as acme).", [nameof(Tenant)]);
        }

        if (string.IsNullOrWhiteSpace(Application))
        {
            yield return new ValidationResult("Name the tenant's application.", [nameof(Application)]);
        }
    }
}
