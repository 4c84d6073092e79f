namespace Portal.Core.Cartridges;

/// <summary>What a cartridge is for: serving an application, holding its data, or balancing load.</summary>
public enum CartridgeCategory
{
    Framework,
    Data,
    LoadBalancer,
}

/// <summary>How the portal decides a member is healthy.</summary>
public enum HealthCheckKind
{
    /// <summary>An HTTP GET of the health path answers 2xx or 3xx.</summary>
    Http,

    /// <summary>The container port accepts a TCP connection.</summary>
    Tcp,
}
