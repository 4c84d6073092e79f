using Portal.Core.Cartridges;

namespace Portal.Tests.Core;

public sealed class CartridgeRulesTests
{
    private static CartridgeDefinition Valid => new()
    {
        Name = "nginx", DisplayName = "nginx", Version = "1.25", Image = "nginx:1.25", ContainerPort = 80,
    };

    [Fact]
    public void The_built_in_cartridges_are_valid()
    {
        foreach (var definition in BuiltInCartridges.All)
        {
            Assert.Empty(CartridgeRules.Validate(definition));
        }
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("nginx:1.25")]
    [InlineData("library/nginx:1.25-alpine")]
    [InlineData("registry.example.com:5000/team/app:v1.2")]
    [InlineData("portal/php:8.2")]
    [InlineData("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Image_references_are_accepted(string image) =>
        Assert.Empty(CartridgeRules.Validate(Valid with { Image = image }));

    [Theory]
    [InlineData("")]
    [InlineData("NGINX")]
    [InlineData("nginx:")]
    [InlineData("nginx latest")]
    [InlineData("nginx:1\n")]
    [InlineData("-nginx")]
    public void Bad_image_references_are_refused(string image) =>
        Assert.Contains("image", CartridgeRules.Validate(Valid with { Image = image }).Keys);

    [Fact]
    public void A_tcp_check_needs_no_path_but_an_http_check_does()
    {
        Assert.Empty(CartridgeRules.Validate(Valid with { HealthCheck = HealthCheckKind.Tcp, HealthCheckPath = null }));
        Assert.Contains("healthCheckPath", CartridgeRules.Validate(Valid with { HealthCheckPath = null }).Keys);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_by_field()
    {
        var errors = CartridgeRules.Validate(Valid with
        {
            Name = "X", ContainerPort = 0, CpuLimit = 0, MemoryLimitMb = 0,
            Environment = new Dictionary<string, string> { ["A-B"] = "1" },
        });

        Assert.Equal(["containerPort", "cpuLimit", "environment", "memoryLimitMb", "name"], errors.Keys.Order());
    }

    [Theory]
    [InlineData("display", false)]
    [InlineData("version", false)]
    [InlineData("image", true)]
    [InlineData("port", true)]
    [InlineData("health", true)]
    [InlineData("variable", true)]
    [InlineData("cpu", true)]
    [InlineData("memory", true)]
    public void A_change_replaces_members_only_when_what_they_run_changes(string what, bool membersChange)
    {
        CartridgeDefinition Definition() => new()
        {
            Name = "site", DisplayName = "Site", Version = "1", Image = "nginx:1.25", ContainerPort = 80,
            Environment = new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" },
        };
        var cartridge = Cartridge.From(Definition(), builtIn: false, DateTimeOffset.UnixEpoch);
        var changed = what switch
        {
            "display" => Definition() with { DisplayName = "Site, renamed" },
            "version" => Definition() with { Version = "2" },
            "image" => Definition() with { Image = "nginx:1.27" },
            "port" => Definition() with { ContainerPort = 8080 },
            "health" => Definition() with { HealthCheckPath = "/healthz" },
            "variable" => Definition() with { Environment = new Dictionary<string, string> { ["B"] = "2", ["A"] = "one" } },
            "cpu" => Definition() with { CpuLimit = 1 },
            _ => Definition() with { MemoryLimitMb = 512 },
        };

        Assert.Equal(membersChange, cartridge.ChangeTo(Cartridge.From(changed, builtIn: false, DateTimeOffset.UtcNow)));

        Assert.Equal((changed.DisplayName, changed.Version, changed.Image, changed.ContainerPort), (cartridge.DisplayName, cartridge.Version, cartridge.Image, cartridge.ContainerPort));
        Assert.Equal(changed.Environment, cartridge.Environment);
        Assert.Equal(("site", DateTimeOffset.UnixEpoch), (cartridge.Name, cartridge.CreatedAt));
    }

    [Fact]
    public void The_same_variables_in_another_order_are_no_change()
    {
        var cartridge = Cartridge.From(new CartridgeDefinition
        {
            Name = "site", DisplayName = "Site", Version = "1", Image = "nginx:1.25", ContainerPort = 80,
            Environment = new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" },
        }, builtIn: false, DateTimeOffset.UnixEpoch);
        var same = Cartridge.From(new CartridgeDefinition
        {
            Name = "site", DisplayName = "Site", Version = "1", Image = "nginx:1.25", ContainerPort = 80,
            Environment = new Dictionary<string, string> { ["B"] = "2", ["A"] = "1" },
        }, builtIn: false, DateTimeOffset.UnixEpoch);

        Assert.False(cartridge.ChangeTo(same));
    }
}
