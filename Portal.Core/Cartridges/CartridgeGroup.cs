namespace Portal.Core.Cartridges;

/// <summary>
/// Cartridges deployed together (Stratos's cartridge group), with their startup orders: in each order, every
/// subscription starts only once the one before it runs (e.g. <c>cartridge.my-mysql,cartridge.my-php</c>).
/// </summary>
public sealed class CartridgeGroup
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; init; }

    /// <summary>The catalogue's cartridges the group holds, by name.</summary>
    public List<string> Cartridges { get; set; } = [];

    /// <summary>Each order as Stratos 4.0 wrote it: aliases separated by commas, first to start first.</summary>
    public List<string> StartupOrders { get; set; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The aliases of one stored order, in order.</summary>
    public static IReadOnlyList<string> Aliases(string order) =>
        order.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>An order as stored.</summary>
    public static string Order(IEnumerable<string> aliases) => string.Join(",", aliases);
}
