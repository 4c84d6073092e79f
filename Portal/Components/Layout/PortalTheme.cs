using MudBlazor;

namespace Portal.Components.Layout;

internal static class PortalTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight { Primary = "#2f5bd3", AppbarBackground = "#1f3f99" },
        PaletteDark = new PaletteDark { Primary = "#7c9dff" },
    };
}
