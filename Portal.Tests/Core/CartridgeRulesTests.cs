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
}
