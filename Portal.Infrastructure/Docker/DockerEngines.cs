using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Docker.DotNet;
using Docker.DotNet.X509;
using Microsoft.Extensions.Options;

namespace Portal.Infrastructure.Docker;

/// <summary>
/// One Docker client per engine endpoint, made once and shared (the clients are thread-safe). A TCP endpoint
/// speaks TLS with the client certificate and CA found in its certificate folder (<c>ca.pem</c>, <c>cert.pem</c>,
/// <c>key.pem</c>: Docker's own layout) and trusts only that CA.
/// </summary>
public sealed class DockerEngines(IOptions<DockerOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<(string Endpoint, string? Tls), DockerClient> clients = new();

    /// <summary>The local engine (the default partition).</summary>
    public IDockerClient Local => For(options.Value.Endpoint);

    public IDockerClient For(string endpoint, string? tlsCertificateDirectory = null) =>
        clients.GetOrAdd((endpoint, tlsCertificateDirectory), key => Create(key.Endpoint, key.Tls));

    private DockerClient Create(string endpoint, string? tlsDirectory)
    {
        var uri = new Uri(endpoint);
        Credentials? credentials = null;
        if (tlsDirectory is not null)
        {
            var certificate = X509Certificate2.CreateFromPemFile(Path.Combine(tlsDirectory, "cert.pem"), Path.Combine(tlsDirectory, "key.pem"));
            var authority = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(tlsDirectory, "ca.pem"));
            credentials = new CertificateCredentials(certificate)
            {
                ServerCertificateValidationCallback = (_, server, _, errors) => IsIssuedBy(server, errors, authority),
            };
            uri = new UriBuilder(uri) { Scheme = "https" }.Uri;
        }

        return new DockerClientConfiguration(uri, credentials, defaultTimeout: TimeSpan.FromSeconds(100))
            .CreateClient(Version.Parse(options.Value.ApiVersion));
    }

    /// <summary>The engine's certificate must chain to the partition's own CA and name the host it was reached by.</summary>
    private static bool IsIssuedBy(X509Certificate? server, SslPolicyErrors errors, X509Certificate2 authority)
    {
        if (server is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1")); // issued to a server, not a client
        using var certificate = new X509Certificate2(server);
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }
    }
}
