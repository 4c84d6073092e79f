namespace Portal.Infrastructure.Persistence;

/// <summary>
/// This portal installation (one row, made with the database). Its id labels every container and volume the portal
/// makes, so the portal only ever manages its own, even when other portals or test runs share the engine.
/// </summary>
public sealed class Installation
{
    public Guid Id { get; init; } = Guid.NewGuid();

    public DateTimeOffset CreatedAt { get; init; }
}
