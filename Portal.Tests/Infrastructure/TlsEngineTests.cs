using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Docker.DotNet;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Docker;
using Portal.Tests.Support;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A partition on TCP is reached over TLS only, with its folder's client certificate, trusting only its folder's CA.
/// Runs against the second engine's TLS listener (scripts/start-services.sh --second-engine).
/// </summary>
public sealed class TlsEngineTests
{
    [Fact]
    public async Task A_TCP_engine_answers_over_TLS_with_the_partitions_certificates()
    {
        var (endpoint, certificates) = await RequireTlsEngineAsync();
        using var engines = new DockerEngines(Options.Create(DockerEngine.Options));

        var version = await engines.For(endpoint, certificates).System.GetVersionAsync(TestContext.Current.CancellationToken);
        Assert.False(string.IsNullOrEmpty(version.APIVersion));
        var runtime = new DockerContainerRuntime(engines.For(endpoint, certificates), Guid.NewGuid());
        Assert.Empty(await runtime.ListAsync(TestContext.Current.CancellationToken)); // a fresh installation owns nothing there
    }

    [Fact]
    public async Task An_engine_is_refused_when_its_certificate_is_not_from_the_partitions_CA()
    {
        var (endpoint, certificates) = await RequireTlsEngineAsync();
        var folder = Directory.CreateTempSubdirectory("portal-other-ca-");
        try
        {
            // The right client certificate, but the folder trusts another CA: the engine's certificate must not pass.
            File.Copy(Path.Combine(certificates, "cert.pem"), Path.Combine(folder.FullName, "cert.pem"));
            File.Copy(Path.Combine(certificates, "key.pem"), Path.Combine(folder.FullName, "key.pem"));
            WriteOtherAuthority(folder.FullName);
            using var engines = new DockerEngines(Options.Create(DockerEngine.Options));

            var error = await Assert.ThrowsAnyAsync<Exception>(() =>
                engines.For(endpoint, folder.FullName).System.GetVersionAsync(TestContext.Current.CancellationToken));
            Assert.True(Chain(error).Any(e => e is System.Security.Authentication.AuthenticationException && e.Message.Contains("RemoteCertificateValidationCallback", StringComparison.Ordinal)),
                $"expected the engine's certificate to be refused, got {error}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Without_TLS_the_TCP_engine_does_not_answer()
    {
        var (endpoint, _) = await RequireTlsEngineAsync();
        using var engines = new DockerEngines(Options.Create(DockerEngine.Options));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        // The engine answers a plain HTTP request with 400 ("Client sent an HTTP request to an HTTPS server").
        var error = await Assert.ThrowsAsync<DockerApiException>(() => engines.For(endpoint).System.GetVersionAsync(timeout.Token));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
    }

    private static async Task<(string Endpoint, string Certificates)> RequireTlsEngineAsync()
    {
        var endpoint = Environment.GetEnvironmentVariable("PORTAL_DOCKER_TLS_B");
        var certificates = Environment.GetEnvironmentVariable("PORTAL_DOCKER_TLS_CERTS");
        if (string.IsNullOrEmpty(endpoint) || string.IsNullOrEmpty(certificates) || !File.Exists(Path.Combine(certificates, "key.pem")))
        {
            TestServices.Unavailable("The second engine's TLS endpoint (PORTAL_DOCKER_TLS_B, PORTAL_DOCKER_TLS_CERTS)");
        }

        using var engines = new DockerEngines(Options.Create(DockerEngine.Options));
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await engines.For(endpoint!, certificates).System.PingAsync(timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or DockerApiException)
        {
            TestServices.Unavailable($"The second engine's TLS endpoint {endpoint} ({e.Message})");
        }

        return (endpoint!, certificates!);
    }

    private static IEnumerable<Exception> Chain(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            yield return error;
        }
    }

    /// <summary>Another CA's certificate as the folder's ca.pem.</summary>
    private static void WriteOtherAuthority(string folder)
    {
        var now = DateTimeOffset.UtcNow;
        using var authorityKey = RSA.Create(2048);
        var authorityRequest = new CertificateRequest("CN=another-ca", authorityKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var authority = authorityRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        File.WriteAllText(Path.Combine(folder, "ca.pem"), authority.ExportCertificatePem());
    }
}
