namespace Portal.Core.Partitions;

/// <summary>A Docker engine members can run on: the local socket, another unix socket, or TCP with TLS.</summary>
public sealed class Partition
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; init; }

    public Guid NetworkPartitionId { get; set; }

    /// <summary><c>unix:///var/run/docker.sock</c> or <c>tcp://host:2376</c>.</summary>
    public required string Endpoint { get; set; }

    /// <summary>For TCP: the folder holding <c>ca.pem</c>, <c>cert.pem</c> and <c>key.pem</c> (Docker's DOCKER_CERT_PATH layout).</summary>
    public string? TlsCertificateDirectory { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A group of partitions (a region, a data centre, a cloud): Stratos's network partition.</summary>
public sealed class NetworkPartition
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Where an application's members may run: partitions in order, each with a cap, and how to spread.</summary>
public sealed class DeploymentPolicy
{
    public const string DefaultName = "default";

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; init; }

    public PartitionAlgorithm Algorithm { get; set; } = PartitionAlgorithm.RoundRobin;

    public List<PolicyPartition> Partitions { get; set; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public IReadOnlyList<PartitionSlot> Slots() => [.. Partitions.Select(p => new PartitionSlot(p.PartitionId, p.MaxMembers, p.Burst))];
}

/// <summary>One partition of a deployment policy.</summary>
public sealed class PolicyPartition
{
    public Guid PartitionId { get; set; }

    public int MaxMembers { get; set; }

    /// <summary>Used only when every other partition of the policy is full (cloud bursting).</summary>
    public bool Burst { get; set; }
}
