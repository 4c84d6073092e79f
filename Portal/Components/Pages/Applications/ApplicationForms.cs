using System.ComponentModel.DataAnnotations;
using Portal.Core.Applications;
using Portal.Core.Cartridges;
using Portal.Core.Routing;
using Portal.Infrastructure.Applications;

namespace Portal.Components.Pages.Applications;

/// <summary>
/// The "new application" form. <see cref="ApplicationRules"/> checks it on submit, all fields at once, so the
/// browser reports what the server would (which then checks again, with what the tenant has by then). A message
/// goes away when its field is edited.
/// </summary>
public sealed class NewApplicationModel : IValidatableObject
{
    public string Name { get; set; } = "";

    public string Cartridge { get; set; } = "";

    /// <summary>The picked cartridge's category (data applications have one member and no links).</summary>
    public CartridgeCategory Category { get; private set; } = CartridgeCategory.Framework;

    public int MinMembers { get; set; } = 1;

    public int MaxMembers { get; set; } = 1;

    /// <summary>The data application to link to; empty for none.</summary>
    public string Link { get; set; } = "";

    /// <summary>A data application's schema: SQL its database runs once, when it is created (empty for none).</summary>
    public string Schema { get; set; } = "";

    /// <summary>How the router spreads the application's requests (not asked for data applications).</summary>
    public LoadBalancingAlgorithm LoadBalancing { get; set; } = LoadBalancingAlgorithm.RoundRobin;

    /// <summary>Whether a cookie keeps each browser on one member (not asked for data applications).</summary>
    public bool StickySessions { get; set; }

    /// <summary>The tenant's data applications, the only ones a link may name.</summary>
    public IReadOnlySet<string> DataApplications { get; set; } = new HashSet<string>(StringComparer.Ordinal);

    public bool IsData => Category == CartridgeCategory.Data;

    /// <summary>
    /// Picks <paramref name="cartridge"/>; a data cartridge fixes the members to one, drops the link and the routing
    /// choices (data applications are not served over HTTP).
    /// </summary>
    public void Choose(Cartridge? cartridge)
    {
        Cartridge = cartridge?.Name ?? "";
        Category = cartridge?.Category ?? CartridgeCategory.Framework;
        if (IsData)
        {
            (MinMembers, MaxMembers, Link) = (1, 1, "");
            (LoadBalancing, StickySessions) = (LoadBalancingAlgorithm.RoundRobin, false);
        }
        else
        {
            Schema = ""; // only a data application takes one
        }
    }

    public CreateApplication ToRequest() => new(
        Name, Cartridge, MinMembers, MaxMembers, Links(), DeploymentPolicy: null,
        IsData ? null : LoadBalancing, IsData ? null : StickySessions, Schema: IsData && !string.IsNullOrWhiteSpace(Schema) ? Schema : null);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var errors = new Dictionary<string, string[]>(
            ApplicationRules.Validate(new ApplicationRequest(Name, Category, MinMembers, MaxMembers, Links(), Schema), DataApplications));
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors["name"] = ["Name the application."];
        }

        if (string.IsNullOrEmpty(Cartridge))
        {
            errors["cartridge"] = ["Pick a cartridge."];
        }

        return from error in errors
               from message in error.Value
               select new ValidationResult(message, [PropertyOf(error.Key)]);
    }

    /// <summary>Whether the form shows a field for the rules' (or the server's) camelCase <paramref name="field"/>.</summary>
    public bool Shows(string field) => field switch
    {
        "name" or "cartridge" => true,
        "minMembers" or "maxMembers" or "links" or "loadBalancing" or "stickySessions" => !IsData,
        "schema" => IsData,
        _ => false,
    };

    /// <summary>The server's errors by field, keyed as <see cref="Portal.Components.Shared.ServerErrors"/> expects for this form.</summary>
    public static IReadOnlyDictionary<string, string[]> FieldErrors(IReadOnlyDictionary<string, string[]>? errors) =>
        (errors ?? new Dictionary<string, string[]>()).ToDictionary(e => e.Key == "links" ? "link" : e.Key, e => e.Value);

    private static string PropertyOf(string field) =>
        field == "links" ? nameof(Link) : char.ToUpperInvariant(field[0]) + field[1..];

    private string[] Links() => Link.Length == 0 ? [] : [Link];
}

/// <summary>The scale control: how many members to run, within the application's bounds.</summary>
public sealed class ScaleModel : IValidatableObject
{
    public int Members { get; set; }

    public int MinMembers { get; set; }

    public int MaxMembers { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        ApplicationRules.CheckScale(Members, MinMembers, MaxMembers) is { } problem
            ? [new ValidationResult(problem, [nameof(Members)])]
            : [];
}

/// <summary>What the routing fields say: each algorithm's name and what it does, and what sticky sessions do.</summary>
public static class RoutingLabels
{
    public const string StickySessionsHelp =
        "A cookie keeps each browser on one member, for sessions kept in memory; another member takes over when it goes away.";

    public static string Of(LoadBalancingAlgorithm algorithm) => algorithm switch
    {
        LoadBalancingAlgorithm.RoundRobin => "Round-robin",
        LoadBalancingAlgorithm.LeastRequests => "Least requests",
        _ => algorithm.ToString(),
    };

    public static string HelpOf(LoadBalancingAlgorithm algorithm) => algorithm switch
    {
        LoadBalancingAlgorithm.RoundRobin => "Each member in turn.",
        LoadBalancingAlgorithm.LeastRequests => "The member with the fewest requests in flight: long requests do not pile up on one member.",
        _ => "",
    };
}
