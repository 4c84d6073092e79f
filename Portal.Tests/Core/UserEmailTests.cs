using Portal.Core.Tenancy;

namespace Portal.Tests.Core;

public sealed class UserEmailTests
{
    [Theory]
    [InlineData("a@b.test")]
    [InlineData("first.last+tag@sub.example.com")]
    [InlineData("Founder-1@acme.io")]
    public void Ordinary_addresses_pass(string email) => Assert.True(UserEmail.TryValidate(email, out _));

    [Theory]
    [InlineData("", "required")]
    [InlineData("nope", "not an email address")]
    [InlineData("@b.test", "not an email address")]
    [InlineData("we ird@b.test", "may only contain")]
    [InlineData("a\u0000b@b.test", "may only contain")]
    [InlineData("a\nb@b.test", "may only contain")]
    [InlineData("ü@b.test", "may only contain")]
    public void Bad_addresses_say_why(string email, string reason)
    {
        Assert.False(UserEmail.TryValidate(email, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Length_is_bounded() =>
        Assert.False(UserEmail.TryValidate(new string('a', 250) + "@b.test", out _));
}
