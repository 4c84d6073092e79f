using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Portal.Components.Account.Shared;

namespace Portal.Tests.Components;

/// <summary>The sign-up form's validation, rendered with bUnit.</summary>
public sealed class SignUpFormTests : BunitContext
{
    private SignUpModel? submitted;

    private IRenderedComponent<SignUpForm> Render(IReadOnlyDictionary<string, string[]>? errors = null) =>
        Render<SignUpForm>(p => p
            .Add(f => f.OnSignUp, (SignUpModel model) => submitted = model)
            .Add(f => f.Errors, errors));

    private static void Fill(IRenderedComponent<SignUpForm> form, string email, string password, string confirm, string tenant)
    {
        form.Find("#Input\\.Email").Change(email);
        form.Find("#Input\\.Password").Change(password);
        form.Find("#Input\\.ConfirmPassword").Change(confirm);
        form.Find("#Input\\.Tenant").Change(tenant);
    }

    private static List<string> Messages(IRenderedComponent<SignUpForm> form) =>
        [.. form.FindAll(".portal-field-error").Select(e => e.TextContent.Trim()).Where(t => t.Length > 0)];

    [Fact]
    public void An_empty_form_names_every_missing_field_and_does_not_submit()
    {
        var form = Render();

        form.Find("form").Submit();

        Assert.Equal(
            ["Your email is required.", "A password is required.", "A tenant name is required."],
            Messages(form));
        Assert.Null(submitted);
    }

    [Theory]
    [InlineData("Acme Corp", "Use lowercase letters, digits and hyphens only")]
    [InlineData("ab", "at least 3 characters")]
    [InlineData("platform", "is reserved")]
    public void A_bad_tenant_name_says_why(string tenant, string message)
    {
        var form = Render();
        Fill(form, "founder@acme.test", "Passw0rd-Long", "Passw0rd-Long", tenant);

        form.Find("form").Submit();

        Assert.Contains(Messages(form), m => m.Contains(message, StringComparison.Ordinal));
        Assert.Null(submitted);
    }

    [Fact]
    public void Mismatched_passwords_and_a_bad_email_are_reported()
    {
        var form = Render();
        Fill(form, "not-an-email", "Passw0rd-Long", "Passw0rd-Other", "acme");

        form.Find("form").Submit();

        Assert.Equal(["This is not an email address.", "The passwords do not match."], Messages(form));
        Assert.Null(submitted);
    }

    [Fact]
    public void A_valid_form_is_submitted_with_what_was_typed()
    {
        var form = Render();
        Fill(form, "founder@acme.test", "Passw0rd-Long", "Passw0rd-Long", "acme");

        form.Find("form").Submit();

        Assert.Empty(Messages(form));
        Assert.NotNull(submitted);
        Assert.Equal(("founder@acme.test", "Passw0rd-Long", "acme"), (submitted.Email, submitted.Password, submitted.Tenant));
    }

    [Fact]
    public void Errors_from_the_server_show_next_to_their_field_and_clear_when_it_changes()
    {
        var form = Render(new Dictionary<string, string[]> { ["tenant"] = ["The tenant name 'acme' is taken."] });

        Assert.Equal(["The tenant name 'acme' is taken."], Messages(form));
        Assert.Contains("The tenant name 'acme' is taken.", form.Find("#Input\\.Tenant").ParentElement!.TextContent, StringComparison.Ordinal);

        form.Find("#Input\\.Tenant").Change("acme-2");

        Assert.Empty(Messages(form));
    }
}
