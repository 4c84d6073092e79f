using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Portal.Tests.Support;

/// <summary>Signing up and in over the REST API, as an API client would.</summary>
public static class ApiClient
{
    public const string Password = "Passw0rd-Long";

    public static string UniqueTenant(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Signs up a new tenant and returns a client signed in as its admin.</summary>
    public static async Task<HttpClient> SignUpAsync(this WebApplicationFactory<Program> portal, string tenant, string? email = null)
    {
        email ??= $"admin@{tenant}.test";
        using var anonymous = portal.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/register", new { email, password = Password, tenant });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await portal.SignInAsync(email, Password);
    }

    public static async Task<HttpClient> SignInAsync(this WebApplicationFactory<Program> portal, string email, string password)
    {
        var client = portal.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = await response.Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        return client;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();
}
