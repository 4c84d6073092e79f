using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Tests.Git;

/// <summary>
/// A git smart-HTTP server for tests: Kestrel on 127.0.0.1 asking for HTTP Basic credentials (401 otherwise), then
/// handing the request to <c>git http-backend</c> as CGI, serving the repositories under a folder.
/// </summary>
public sealed class GitHttpServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private GitHttpServer(WebApplication app, Uri address) => (this.app, Address) = (app, address);

    /// <summary>http://127.0.0.1:{port}/ ; a repository <c>{root}/x.git</c> is at <c>{Address}x.git</c>.</summary>
    public Uri Address { get; }

    public static async Task<GitHttpServer> StartAsync(string projectRoot, string username, string password)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));
        app.Run(context => ServeAsync(context, projectRoot, expected, username));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new GitHttpServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    private static async Task ServeAsync(HttpContext context, string projectRoot, string expectedAuthorization, string username)
    {
        var request = context.Request;
        if (request.Headers.Authorization.ToString() != expectedAuthorization)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"git\"";
            return;
        }

        var start = new ProcessStartInfo("git")
        {
            ArgumentList = { "http-backend" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var environment = start.Environment;
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        environment["GIT_CONFIG_NOSYSTEM"] = "1";
        environment["GIT_PROJECT_ROOT"] = projectRoot;
        environment["GIT_HTTP_EXPORT_ALL"] = "1";
        environment["GATEWAY_INTERFACE"] = "CGI/1.1";
        environment["SERVER_PROTOCOL"] = "HTTP/1.1";
        environment["REQUEST_METHOD"] = request.Method;
        environment["PATH_INFO"] = request.Path.Value ?? "/";
        environment["QUERY_STRING"] = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        environment["CONTENT_TYPE"] = request.ContentType ?? "";
        environment["REMOTE_USER"] = username;
        environment["REMOTE_ADDR"] = "127.0.0.1";
        if (request.ContentLength is { } length)
        {
            environment["CONTENT_LENGTH"] = length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (request.Headers.ContentEncoding.Count > 0)
        {
            environment["HTTP_CONTENT_ENCODING"] = request.Headers.ContentEncoding.ToString();
        }

        using var process = Process.Start(start)!;
        var input = CopyInputAsync(request.Body, process.StandardInput.BaseStream);
        var output = new MemoryStream();
        var reading = process.StandardOutput.BaseStream.CopyToAsync(output);
        var errors = process.StandardError.ReadToEndAsync();
        await Task.WhenAll(input, reading);
        await process.WaitForExitAsync();
        await errors;
        await WriteCgiResponseAsync(context.Response, output.ToArray());
    }

    private static async Task CopyInputAsync(Stream body, Stream input)
    {
        await using (input)
        {
            await body.CopyToAsync(input);
        }
    }

    private static async Task WriteCgiResponseAsync(HttpResponse response, byte[] output)
    {
        var end = IndexOf(output, "\r\n\r\n"u8, out var separator);
        if (end < 0)
        {
            end = IndexOf(output, "\n\n"u8, out separator);
        }

        var headers = Encoding.ASCII.GetString(output, 0, Math.Max(end, 0));
        foreach (var line in headers.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                response.StatusCode = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                response.Headers.Append(name, value);
            }
        }

        var bodyStart = end < 0 ? 0 : end + separator;
        await response.Body.WriteAsync(output.AsMemory(bodyStart));
    }

    private static int IndexOf(byte[] data, ReadOnlySpan<byte> pattern, out int length)
    {
        length = pattern.Length;
        return data.AsSpan().IndexOf(pattern);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
