using Portal.Core.Tenancy;

namespace Portal.Tests.Core;

public sealed class TenantSlugTests
{
    [Theory]
    [InlineData("acme")]
    [InlineData("acme-corp")]
    [InlineData("a1b")]
    [InlineData("team-42")]
    public void Valid_slugs_pass(string slug) => Assert.True(TenantSlug.TryValidate(slug, out _));

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("ab", "at least 3")]
    [InlineData("Acme", "lowercase")]
    [InlineData("1acme", "starting with a letter")]
    [InlineData("acme-", "not ending with a hyphen")]
    [InlineData("ac_me", "lowercase letters, digits and hyphens")]
    [InlineData("ac.me", "lowercase letters, digits and hyphens")]
    [InlineData("ac--me", "two hyphens")]
    [InlineData("acme\n", "lowercase letters, digits and hyphens")]
    [InlineData("platform", "reserved")]
    [InlineData("admin", "reserved")]
    public void Invalid_slugs_say_why(string? slug, string reason)
    {
        Assert.False(TenantSlug.TryValidate(slug, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Length_is_bounded_for_dns()
    {
        Assert.True(TenantSlug.TryValidate(new string('a', TenantSlug.MaxLength), out _));
        Assert.False(TenantSlug.TryValidate(new string('a', TenantSlug.MaxLength + 1), out var error));
        Assert.Contains("at most 40", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_platform_tenant_is_well_formed_though_reserved() =>
        Assert.True(TenantSlug.IsWellFormed(TenantSlug.PlatformTenant));
}
