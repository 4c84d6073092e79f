using Portal.Infrastructure.Monitoring;
using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Applications;
using Portal.Core.Autoscaling;
using Portal.Core.Cartridges;
using Portal.Core.Git;
using Portal.Core.Partitions;
using Portal.Core.Releases;
using Portal.Core.Tenancy;
using Portal.Infrastructure;
using Portal.Infrastructure.Applications;
using Portal.Infrastructure.Docker;
using Portal.Infrastructure.Autoscaling;
using Portal.Infrastructure.Git;
using Portal.Infrastructure.Identity;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Releases;
using Portal.Infrastructure.Routing;
using Portal.Infrastructure.Tenancy;
using Portal.Routing;
using Portal.Tenancy;

using Portal.Tests.Support;

namespace Portal.Tests.Components;

/// <summary>
/// What the autoscaling components (and the application details page around them) use, registered as the portal
/// registers it: the real <see cref="AutoscalingService"/>, <see cref="ApplicationService"/> and
/// <see cref="ReleaseService"/> on a fresh SQLite database. Tenant <see cref="Tenant"/> has the php application
/// <see cref="Application"/> (1 to 2 members) and the data application <see cref="DataApplication"/>; tenant
/// <see cref="OtherTenant"/> has an application named <see cref="Application"/> too. <see cref="Email"/> of
/// <see cref="Tenant"/> is signed in until <see cref="SignInAsPlatformAdmin"/>. The database is deleted on dispose.
/// </summary>
internal sealed class AutoscalingDatabase : IDisposable
{
    public const string Tenant = "acme";
    public const string OtherTenant = "globex";
    public const string Application = "web";
    public const string DataApplication = "db";
    public const string Email = "ana@acme.test";

    public static readonly DateTimeOffset Start = new(2026, 11, 29, 9, 0, 0, TimeSpan.Zero);

    private readonly string directory;
    private readonly DbContextOptions<SqlitePortalDbContext> options;
    private readonly SignedIn signedIn = new();

    private AutoscalingDatabase(string directory)
    {
        this.directory = directory;
        // No pooling: nothing keeps the file open once the contexts are gone.
        options = new DbContextOptionsBuilder<SqlitePortalDbContext>()
            .UseSqlite($"Data Source={Path.Combine(directory, "portal.db")};Pooling=False").Options;
        signedIn.User = TenantUser(TenantId, Tenant, Email);
    }

    public Guid TenantId { get; } = Guid.CreateVersion7();

    public Guid OtherTenantId { get; } = Guid.CreateVersion7();

    public Guid ApplicationId { get; } = Guid.CreateVersion7();

    public Guid OtherApplicationId { get; } = Guid.CreateVersion7();

    public static async Task<AutoscalingDatabase> CreateAsync()
    {
        var database = new AutoscalingDatabase(Directory.CreateTempSubdirectory("portal-autoscaling-ui-").FullName);
        try
        {
            await using var db = database.Open(database.TenantId);
            await db.Database.EnsureCreatedAsync();
            var php = Cartridge.From(BuiltInCartridges.Php, builtIn: true, Start);
            var mysql = Cartridge.From(BuiltInCartridges.MySql, builtIn: true, Start);
            var policy = new DeploymentPolicy { Name = DeploymentPolicy.DefaultName, CreatedAt = Start };
            db.Tenants.Add(new Tenant { Id = database.TenantId, Slug = Tenant, DisplayName = "Acme", CreatedAt = Start });
            db.Tenants.Add(new Tenant { Id = database.OtherTenantId, Slug = OtherTenant, DisplayName = "Globex", CreatedAt = Start });
            db.Cartridges.AddRange(php, mysql);
            db.DeploymentPolicies.Add(policy);
            db.Applications.Add(new Application
            {
                Id = database.ApplicationId, Name = Application, CartridgeId = php.Id, DeploymentPolicyId = policy.Id,
                MinMembers = 1, MaxMembers = 2, DesiredMembers = 1, CreatedAt = Start,
            });
            db.Applications.Add(new Application
            {
                Name = DataApplication, CartridgeId = mysql.Id, DeploymentPolicyId = policy.Id,
                MinMembers = 1, MaxMembers = 1, DesiredMembers = 1, CreatedAt = Start,
            });
            await db.SaveChangesAsync();

            await using var other = database.Open(database.OtherTenantId);
            other.Applications.Add(new Application
            {
                Id = database.OtherApplicationId, Name = Application, CartridgeId = php.Id, DeploymentPolicyId = policy.Id,
                MinMembers = 1, MaxMembers = 3, DesiredMembers = 1, CreatedAt = Start,
            });
            await other.SaveChangesAsync();
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>Registers what the components inject.</summary>
    public void Register(IServiceCollection services)
    {
        services.AddSingleton<IHttpContextAccessor>(signedIn);
        services.AddScoped<CurrentUser>();
        services.AddScoped<ITenantContext>(sp => sp.GetRequiredService<CurrentUser>());
        services.AddScoped<PortalDbContext>(sp => new SqlitePortalDbContext(options, sp.GetRequiredService<ITenantContext>()));
        services.AddSingleton<IGitSource>(new GitRepositories(
            Options.Create(new GitOptions()), Options.Create(new PortalOptions { DataDirectory = Path.Combine(directory, "data") }),
            NullLogger<GitRepositories>.Instance));
        services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        services.AddSingleton<ReleaseSignal>();
        services.AddSingleton<TopologySignal>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(new RouterOptions { AppsDomain = "apps.test", Port = 8080 }));
        services.AddScoped<ReleaseService>();
        services.AddScoped<ApplicationService>();
        services.AddScoped<AutoscalingService>();
        services.AddScoped<ApplicationHistory>();
        services.AddScoped<ApplicationHealth>();
        services.AddScoped<TenantQuotas>();
        services.AddSingleton(_ => new DockerEngines(Options.Create(DockerEngine.Options))); // the application page's live logs
        services.AddScoped<ApplicationLogs>();
    }

    /// <summary>From now on the components act as a platform admin (of no tenant), as on the admin console.</summary>
    public void SignInAsPlatformAdmin() => signedIn.User = new ClaimsPrincipal(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, "ops"),
        new Claim(ClaimTypes.Email, "ops@platform.test"),
        new Claim(ClaimTypes.Role, PortalRoles.PlatformAdmin),
    ], "Test"));

    /// <summary>A context acting as <paramref name="tenantId"/>, for seeding and checking.</summary>
    public SqlitePortalDbContext Open(Guid tenantId) => new(options, new AsTenant(tenantId));

    /// <summary>A context acting for no tenant, as the platform's jobs do.</summary>
    public SqlitePortalDbContext OpenForPlatform() => new(options, new AsTenant(null));

    /// <summary>Adds a policy as an admin would have (the defaults unless <paramref name="shape"/> says otherwise).</summary>
    public async Task<AutoscalingPolicy> AddPolicyAsync(string name, Action<AutoscalingPolicy>? shape = null)
    {
        var policy = new AutoscalingPolicy { Name = name, CpuPercent = 70, CreatedAt = Start };
        shape?.Invoke(policy);
        await using var db = Open(TenantId);
        db.AutoscalingPolicies.Add(policy);
        await db.SaveChangesAsync();
        return policy;
    }

    public async Task<List<AutoscalingPolicy>> PoliciesAsync()
    {
        await using var db = Open(TenantId);
        return await db.AutoscalingPolicies.AsNoTracking().OrderBy(p => p.Name).ToListAsync();
    }

    public async Task RemovePolicyAsync(string name)
    {
        await using var db = Open(TenantId);
        await db.AutoscalingPolicies.Where(p => p.Name == name).ExecuteDeleteAsync();
    }

    /// <summary>Has <paramref name="tenantId"/>'s application <paramref name="application"/> scaled by <paramref name="policy"/> between min and max.</summary>
    public async Task UsePolicyAsync(Guid tenantId, string application, AutoscalingPolicy policy, int min, int max)
    {
        await using var db = Open(tenantId);
        var app = await db.Applications.SingleAsync(a => a.Name == application);
        (app.AutoscalingPolicyId, app.MinMembers, app.MaxMembers) = (policy.Id, min, max);
        app.DesiredMembers = Math.Clamp(app.DesiredMembers, min, max);
        await db.SaveChangesAsync();
    }

    /// <summary>The tenant's application <paramref name="name"/> as stored.</summary>
    public async Task<Application> ApplicationAsync(string name)
    {
        await using var db = Open(TenantId);
        return await db.Applications.AsNoTracking().SingleAsync(a => a.Name == name);
    }

    /// <summary>Logs decisions as the autoscaler would, each for its tenant's application.</summary>
    public async Task AddDecisionsAsync(params ScalingDecision[] decisions)
    {
        foreach (var tenant in decisions.GroupBy(d => d.TenantId))
        {
            await using var db = Open(tenant.Key);
            db.ScalingDecisions.AddRange(tenant);
            await db.SaveChangesAsync();
        }
    }

    /// <summary>Adds a partition (of a network partition of its own) for members to be on.</summary>
    public async Task<Guid> AddPartitionAsync()
    {
        await using var db = Open(TenantId);
        var network = new NetworkPartition { Name = $"net-{Guid.NewGuid():N}", CreatedAt = Start };
        var partition = new Partition { Name = $"p-{Guid.NewGuid():N}", NetworkPartitionId = network.Id, Endpoint = "unix:///var/run/docker.sock", CreatedAt = Start };
        db.NetworkPartitions.Add(network);
        db.Partitions.Add(partition);
        await db.SaveChangesAsync();
        return partition.Id;
    }

    /// <summary>Adds members and releases of <paramref name="tenantId"/>'s applications, as the reconciler and release worker would have.</summary>
    public async Task AddHistoryAsync(Guid tenantId, IEnumerable<Member> members, params Release[] releases)
    {
        await using var db = Open(tenantId);
        db.Members.AddRange(members);
        db.Releases.AddRange(releases);
        await db.SaveChangesAsync();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static ClaimsPrincipal TenantUser(Guid tenantId, string tenant, string email) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, "ana"),
        new Claim(ClaimTypes.Email, email),
        new Claim(PortalClaimTypes.TenantId, tenantId.ToString()),
        new Claim(PortalClaimTypes.Tenant, tenant),
    ], "Test"));

    /// <summary>The signed-in user of every scope, as the circuit's user would be.</summary>
    private sealed class SignedIn : IHttpContextAccessor
    {
        private readonly DefaultHttpContext context = new();

        public ClaimsPrincipal User
        {
            get => context.User;
            set => context.User = value;
        }

        public HttpContext? HttpContext
        {
            get => context;
            set { }
        }
    }

    private sealed class AsTenant(Guid? id) : ITenantContext
    {
        public Guid? TenantId => id;
    }
}
