using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Portal.Core.Common;

namespace Portal.Core.Tenancy;

/// <summary>
/// Rules for the email a user signs in with. It is also the user name, so it may only hold the characters
/// user names allow; checking them up front means an invitation can never be issued for an address that
/// could not then sign up, and no control character ever reaches a query.
/// </summary>
public static class UserEmail
{
    public const int MaxLength = 256;

    /// <summary>The characters allowed in a user name (and so in an email), for Identity's options too.</summary>
    public const string AllowedCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._@+";

    private static readonly EmailAddressAttribute Format = new();

    public static bool TryValidate(string? email, [NotNullWhen(false)] out string? error)
    {
        error = email switch
        {
            null or "" => "An email is required.",
            { Length: > MaxLength } => $"The email must be at most {MaxLength} characters long.",
            _ when email.Any(c => !AllowedCharacters.Contains(c, StringComparison.Ordinal)) =>
                "The email may only contain letters, digits and - . _ @ +.",
            _ when !Format.IsValid(email) || email.StartsWith('@') || email.EndsWith('@') => "This is not an email address.",
            _ => null,
        };
        return error is null;
    }
}

/// <summary>Validation attribute applying <see cref="UserEmail"/>'s rules, for forms and API models.</summary>
public sealed class UserEmailAttribute : StringRuleAttribute
{
    protected override bool TryValidate(string value, [NotNullWhen(false)] out string? error) =>
        UserEmail.TryValidate(value, out error);
}
