namespace Portal.Core.Tenancy;

/// <summary>Marks an entity that belongs to one tenant; persistence filters it by the current tenant.</summary>
public interface ITenantOwned
{
    Guid TenantId { get; set; }
}
