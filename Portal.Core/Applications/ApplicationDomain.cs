namespace Portal.Core.Applications;

/// <summary>
/// A custom domain an admin gave an application: the router answers it too (besides
/// <c>{application}.{tenant}.{appsDomain}</c>). A host name belongs to one application. Admins manage them for
/// every tenant, so a domain is not tenant-owned itself: tenants read their applications' domains through their
/// applications.
/// </summary>
public sealed class ApplicationDomain
{
    /// <summary>Lower-case host name without port, such as shop.example.com.</summary>
    public required string Host { get; init; }

    public Guid ApplicationId { get; init; }

    public DateTimeOffset AddedAt { get; init; }
}
