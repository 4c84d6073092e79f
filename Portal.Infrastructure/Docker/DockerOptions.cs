using System.ComponentModel.DataAnnotations;

namespace Portal.Infrastructure.Docker;

/// <summary>The <c>Portal:Docker</c> section: the local Docker engine (the default partition).</summary>
public sealed class DockerOptions
{
    public const string Section = "Portal:Docker";

    /// <summary>The engine's endpoint: a unix socket (<c>unix:///var/run/docker.sock</c>) or <c>tcp://host:2376</c>.</summary>
    [Required]
    public string Endpoint { get; set; } = "unix:///var/run/docker.sock";

    /// <summary>The Docker API version to speak (Debian 12's docker.io 20.10 serves 1.41).</summary>
    [Required]
    public string ApiVersion { get; set; } = "1.41";
}

/// <summary>The <c>Portal:Cartridges</c> section: where the built-in cartridges' Dockerfiles are and what they build on.</summary>
public sealed class CartridgeImageOptions
{
    public const string Section = "Portal:Cartridges";

    /// <summary>The folder holding <c>php/</c>, <c>mysql/</c>…; by default the copy next to the portal's binaries.</summary>
    public string Directory { get; set; } = Path.Combine(AppContext.BaseDirectory, "cartridges");

    /// <summary>
    /// Base images to build a cartridge from instead of its Dockerfile's public default, used only when the engine
    /// has them (machines without a registry make them locally with mmdebstrap: see scripts/start-services.sh).
    /// </summary>
    public Dictionary<string, string> LocalBaseImages { get; set; } = new(StringComparer.Ordinal)
    {
        ["php"] = "local/php-base",
        ["mysql"] = "local/mariadb-base",
    };
}
