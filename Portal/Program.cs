using Portal;
using Portal.Infrastructure;
using Portal.Routing;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseStaticWebAssets(); // serve package assets (MudBlazor) from a build output too, not only when published

builder.AddInfrastructure();
builder.AddWebServices();
builder.AddRouter();

var app = builder.Build();
app.MapPortal();
app.Run();

/// <summary>Entry point, public for the integration tests' WebApplicationFactory.</summary>
public partial class Program;
