using Portal.Core.Common;

namespace Portal.Core.Partitions;

/// <summary>What a partition (one Docker engine endpoint) needs to be usable; messages name their field.</summary>
public static class PartitionRules
{
    public const int MaxPathLength = 255;

    public static IReadOnlyDictionary<string, string[]> Validate(string? name, string? endpoint, string? tlsCertificateDirectory)
    {
        var errors = new Dictionary<string, string[]>();
        if (!DnsLabel.IsValid(name, 2, 40))
        {
            errors["name"] = ["Use 2 to 40 lowercase letters, digits and single hyphens, starting with a letter."];
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || endpoint.Length > 255)
        {
            errors["endpoint"] = ["Give the engine's endpoint: unix:///path/to/docker.sock or tcp://host:2376."];
        }
        else if (uri.Scheme == "unix")
        {
            if (!endpoint.StartsWith("unix:///", StringComparison.Ordinal) || uri.AbsolutePath.Length < 2)
            {
                errors["endpoint"] = ["A unix socket endpoint is unix:// followed by an absolute path, e.g. unix:///var/run/docker.sock."];
            }
            else if (!string.IsNullOrEmpty(tlsCertificateDirectory))
            {
                errors["tlsCertificateDirectory"] = ["A unix socket needs no TLS certificates; leave this empty."];
            }
        }
        else if (uri.Scheme == "tcp")
        {
            if (uri.Port <= 0 || uri.AbsolutePath is not ("/" or "") || string.IsNullOrEmpty(uri.Host))
            {
                errors["endpoint"] = ["A TCP endpoint is tcp://host:port, e.g. tcp://10.0.0.5:2376."];
            }

            if (string.IsNullOrWhiteSpace(tlsCertificateDirectory) || !tlsCertificateDirectory.StartsWith('/'))
            {
                errors["tlsCertificateDirectory"] = ["A TCP engine is reached over TLS only: give the absolute path of the folder holding ca.pem, cert.pem and key.pem."];
            }
            else if (tlsCertificateDirectory.Length > MaxPathLength)
            {
                errors["tlsCertificateDirectory"] = [$"The folder's path is at most {MaxPathLength} characters."];
            }
        }
        else
        {
            errors["endpoint"] = ["Only unix:// and tcp:// endpoints are supported."];
        }

        return errors;
    }
}
