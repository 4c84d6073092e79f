using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.Core.Git;
using Portal.Core.Routing;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Applications;
using Portal.Infrastructure.Autoscaling;
using Portal.Infrastructure.Observability;
using Portal.Infrastructure.Partitions;
using Portal.Infrastructure.Routing;
using Portal.Infrastructure.Routing.Haproxy;
using Quartz;
using Portal.Infrastructure.Cartridges;
using Portal.Infrastructure.Docker;
using Portal.Infrastructure.Git;
using Portal.Infrastructure.Releases;
using Portal.Infrastructure.Identity;
using Portal.Infrastructure.Auditing;
using Portal.Infrastructure.Metering;
using Portal.Infrastructure.Monitoring;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Stratos;
using Portal.Infrastructure.Tenancy;

namespace Portal.Infrastructure;

public static class DependencyInjection
{
    /// <summary>Persistence (SQLite or PostgreSQL), Identity stores, Data Protection keys and the tenancy services.</summary>
    public static IHostApplicationBuilder AddInfrastructure(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PortalOptions>()
            .BindConfiguration(PortalOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.Admin.Email) == string.IsNullOrEmpty(o.Admin.Password),
                "Set both Portal:Admin:Email and Portal:Admin:Password, or neither.")
            .Validate(o => string.IsNullOrWhiteSpace(o.Admin.Email) || UserEmail.TryValidate(o.Admin.Email, out _),
                "Portal:Admin:Email is not a valid email address.")
            .ValidateOnStart();
        services.TryAddSingletonTimeProvider();

        var portalOptions = builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>() ?? new PortalOptions();
        var provider = DatabaseProvider.FromConfiguration(builder.Configuration, portalOptions);
        services.AddSingleton(provider);
        if (provider.IsPostgres)
        {
            services.AddDbContext<PortalDbContext, PostgresPortalDbContext>(provider.Configure);
        }
        else
        {
            services.AddDbContext<PortalDbContext, SqlitePortalDbContext>(provider.Configure);
        }

        services.AddHostedService<DatabaseInitializer>();
        services.AddHealthChecks().AddDbContextCheck<PortalDbContext>("database", tags: ["ready"]);

        services.AddIdentityCore<PortalUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.User.AllowedUserNameCharacters = UserEmail.AllowedCharacters;
                options.Password.RequiredLength = 8;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddDefaultTokenProviders()
            .AddApiEndpoints()
            .AddSignInManager<PortalSignInManager>() // after AddApiEndpoints, which adds the default one
            .AddClaimsPrincipalFactory<PortalUserClaimsPrincipalFactory>();

        services.AddDataProtection()
            .SetApplicationName("Portal")
            .PersistKeysToDbContext<PortalDbContext>();

        services.AddScoped<TenantOnboarding>();
        services.AddScoped<TeamService>();
        services.AddScoped<TenantDirectory>();
        services.AddScoped<TenantQuotas>();
        services.AddScoped<CartridgeCatalogue>();

        services.AddOptions<DockerOptions>().BindConfiguration(DockerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CartridgeImageOptions>().BindConfiguration(CartridgeImageOptions.Section);
        services.AddSingleton<DockerEngines>();
        services.AddSingleton<CartridgeImages>();
        services.AddScoped<ApplicationService>();
        services.AddScoped<ApplicationLogs>();
        services.AddScoped<ApplicationDomainService>();
        services.AddScoped<ApplicationHistory>();
        services.AddScoped<PlatformOverview>();
        services.AddScoped<PartitionCatalogue>();
        services.AddSingleton<PartitionMonitor>();
        services.AddSingleton<PlatformMetrics>();
        services.AddSingleton<Reconciler>();
        services.AddSingleton<TopologySignal>();
        services.AddScoped<RoutingTopology>();
        services.AddOptions<GitOptions>().BindConfiguration(GitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<GitRepositories>();
        services.AddSingleton<IGitSource>(sp => sp.GetRequiredService<GitRepositories>());
        services.AddSingleton<ReleaseImages>();
        services.AddSingleton<ReleaseSignal>();
        services.AddScoped<ReleaseService>();
        services.AddScoped<GitWebhookReceiver>();
        services.AddSingleton<RepositoryPoller>();
        services.AddOptions<AutoscalerOptions>().BindConfiguration(AutoscalerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ContainerStats>();
        services.AddSingleton<Autoscaler>();
        services.AddScoped<AutoscalingService>();
        services.AddOptions<MeteringOptions>().BindConfiguration(MeteringOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Meter>();
        services.AddScoped<UsageReports>();
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Span <= o.RawFor && o.RawFor < o.KeepFor, "Portal:Health: Span must not be longer than RawFor, and RawFor must be shorter than KeepFor.")
            .ValidateOnStart();
        services.AddSingleton<HealthSampler>();
        services.AddScoped<ApplicationHealth>();
        services.AddScoped<AuditLog>();
        services.AddScoped<TenantSuspensions>();
        services.AddScoped<UserDirectory>();
        services.AddScoped<StratosImporter>();
        services.AddScoped<StratosExporter>();
        services.AddHaproxy(builder.Configuration);
        services.AddReconciliation(builder.Configuration);
        services.AddHttpClient<MemberHealthProbe>(client => client.Timeout = MemberHealthProbe.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });
        return builder;
    }

    /// <summary>The HAProxy extension of the router (<c>Router:Haproxy</c>): its settings always checked, the load balancer only when enabled.</summary>
    private static void AddHaproxy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HaproxyOptions>()
            .BindConfiguration(HaproxyOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.ConfigPath),
                "Router:Haproxy:ConfigPath is required when Router:Haproxy:Enabled is true.")
            .Validate(o => HaproxyOptions.HasValidPort(o.Bind), "Router:Haproxy:Bind must end with a port between 1 and 65535.")
            .ValidateOnStart();
        if (configuration.GetValue<bool>($"{HaproxyOptions.Section}:{nameof(HaproxyOptions.Enabled)}"))
        {
            services.AddSingleton<ILoadBalancer, HaproxyLoadBalancer>();
        }
    }

    /// <summary>
    /// The reconcile job on Quartz, every <see cref="ReconcilerOptions.Interval"/>, the autoscaler's every
    /// <see cref="AutoscalerOptions.SampleInterval"/>, the meter's every <see cref="MeteringOptions.Interval"/>, the health
    /// sampler's and the metric retention's (<see cref="HealthOptions"/>), repository polling and the release worker, unless turned off.
    /// </summary>
    private static void AddReconciliation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReconcilerOptions>().BindConfiguration(ReconcilerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var reconciler = configuration.GetSection(ReconcilerOptions.Section).Get<ReconcilerOptions>() ?? new ReconcilerOptions();
        var git = configuration.GetSection(GitOptions.Section).Get<GitOptions>() ?? new GitOptions();
        var autoscaler = configuration.GetSection(AutoscalerOptions.Section).Get<AutoscalerOptions>() ?? new AutoscalerOptions();
        var metering = configuration.GetSection(MeteringOptions.Section).Get<MeteringOptions>() ?? new MeteringOptions();
        var health = configuration.GetSection(HealthOptions.Section).Get<HealthOptions>() ?? new HealthOptions();
        services.AddQuartz(quartz =>
        {
            quartz.AddJob<ReconcileJob>(job => job.WithIdentity(ReconcileJob.Key).StoreDurably());
            quartz.AddJob<RepositoryPollJob>(job => job.WithIdentity(RepositoryPollJob.Key).StoreDurably());
            quartz.AddJob<AutoscaleJob>(job => job.WithIdentity(AutoscaleJob.Key).StoreDurably());
            quartz.AddJob<MeterJob>(job => job.WithIdentity(MeterJob.Key).StoreDurably());
            quartz.AddJob<HealthSampleJob>(job => job.WithIdentity(HealthSampleJob.Key).StoreDurably());
            quartz.AddJob<MetricRetentionJob>(job => job.WithIdentity(MetricRetentionJob.Key).StoreDurably());
            if (reconciler.Enabled)
            {
                quartz.AddTrigger(trigger => trigger
                    .ForJob(RepositoryPollJob.Key)
                    .StartNow()
                    .WithSimpleSchedule(schedule => schedule.WithInterval(git.PollCheckInterval).RepeatForever()));
                quartz.AddTrigger(trigger => trigger
                    .ForJob(AutoscaleJob.Key)
                    .StartNow()
                    .WithSimpleSchedule(schedule => schedule.WithInterval(autoscaler.SampleInterval).RepeatForever()));
                quartz.AddTrigger(trigger => trigger
                    .ForJob(MeterJob.Key)
                    .StartNow()
                    .WithSimpleSchedule(schedule => schedule.WithInterval(metering.Interval).RepeatForever()));
                quartz.AddTrigger(trigger => trigger
                    .ForJob(HealthSampleJob.Key)
                    .StartNow()
                    .WithSimpleSchedule(schedule => schedule.WithInterval(health.SampleInterval).RepeatForever()));
                quartz.AddTrigger(trigger => trigger
                    .ForJob(MetricRetentionJob.Key)
                    .StartNow()
                    .WithSimpleSchedule(schedule => schedule.WithInterval(health.RetentionInterval).RepeatForever()));
                quartz.AddTrigger(trigger => trigger
                    .ForJob(ReconcileJob.Key)
                    .StartNow()
                    .WithSimpleSchedule(schedule => schedule
                        .WithInterval(reconciler.Interval)
                        .RepeatForever()));
            }
        });
        services.AddQuartzHostedService(quartz => quartz.WaitForJobsToComplete = true);
        if (reconciler.Enabled)
        {
            services.AddHostedService<ReleaseWorker>(); // releases end with the reconciler: neither runs without the other
        }
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (services.All(d => d.ServiceType != typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
