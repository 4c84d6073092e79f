using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure;

/// <summary>The <c>Portal</c> configuration section.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>Where the portal keeps its files (the SQLite database among them); created on first run.</summary>
    [Required]
    public string DataDirectory { get; set; } = "./data";

    public AdminOptions Admin { get; set; } = new();

    public string DataDirectoryFullPath => Path.GetFullPath(DataDirectory);
}

/// <summary>The first platform admin, created at first start when both values are set.</summary>
public sealed class AdminOptions
{
    public string? Email { get; set; }

    public string? Password { get; set; }
}
