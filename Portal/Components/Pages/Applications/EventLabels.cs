using System.Globalization;
using MudBlazor;
using Portal.Core.Applications;

namespace Portal.Components.Pages.Applications;

/// <summary>What the event timeline says: kinds in words, their colours and icons, durations and up time.</summary>
public static class EventLabels
{
    /// <summary>The events the timeline shows.</summary>
    public const int TimelineLength = 100;

    /// <summary>The period the up time is read over.</summary>
    public static readonly TimeSpan AvailabilityPeriod = TimeSpan.FromHours(24);

    public const string NoEvents = "Nothing happened in the last week.";

    /// <summary>Which events the timeline shows: everything, or one area.</summary>
    public enum Area
    {
        All,
        Members,
        Releases,
        Scaling,
    }

    public static Area AreaOf(ApplicationEventKind kind) => kind switch
    {
        ApplicationEventKind.ReleaseQueued or ApplicationEventKind.ReleaseSucceeded or ApplicationEventKind.ReleaseFailed
            or ApplicationEventKind.ReleaseSuperseded => Area.Releases,
        ApplicationEventKind.ScaledUp or ApplicationEventKind.ScaledDown or ApplicationEventKind.ScalingHeld => Area.Scaling,
        _ => Area.Members,
    };

    public static bool Shows(Area area, ApplicationEventKind kind) => area == Area.All || AreaOf(kind) == area;

    public static string Of(ApplicationEventKind kind) => kind switch
    {
        ApplicationEventKind.MemberCreated => "Member created",
        ApplicationEventKind.MemberActive => "Member active",
        ApplicationEventKind.MemberDraining => "Member draining",
        ApplicationEventKind.MemberFaulted => "Member faulted",
        ApplicationEventKind.MemberTerminated => "Member terminated",
        ApplicationEventKind.ReleaseQueued => "Release asked for",
        ApplicationEventKind.ReleaseSucceeded => "Release serving",
        ApplicationEventKind.ReleaseFailed => "Release failed",
        ApplicationEventKind.ReleaseSuperseded => "Release superseded",
        ApplicationEventKind.ScaledUp => "Scaled out",
        ApplicationEventKind.ScaledDown => "Scaled in",
        ApplicationEventKind.ScalingHeld => "Scaling held",
        _ => kind.ToString(),
    };

    public static Color ColorOf(ApplicationEventKind kind) => kind switch
    {
        ApplicationEventKind.MemberActive or ApplicationEventKind.ReleaseSucceeded => Color.Success,
        ApplicationEventKind.MemberFaulted or ApplicationEventKind.ReleaseFailed => Color.Error,
        ApplicationEventKind.MemberDraining or ApplicationEventKind.ScalingHeld or ApplicationEventKind.ReleaseSuperseded => Color.Warning,
        ApplicationEventKind.ScaledUp or ApplicationEventKind.ScaledDown or ApplicationEventKind.ReleaseQueued => Color.Info,
        _ => Color.Default,
    };

    /// <summary>"3 h 12 min", "45 s", "2 d 4 h": the two largest units.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.FromMinutes(1))
        {
            return $"{Math.Floor(span.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s";
        }

        if (span < TimeSpan.FromHours(1))
        {
            return span.Seconds == 0 ? $"{span.Minutes} min" : $"{span.Minutes} min {span.Seconds} s";
        }

        return span < TimeSpan.FromDays(1) ? $"{(int)span.TotalHours} h {span.Minutes} min" : $"{span.Days} d {span.Hours} h";
    }

    /// <summary>"99.95 %"; "—" for an empty period.</summary>
    public static string Percent(double? percent) =>
        percent is { } p ? $"{(p >= 99.995 && p < 100 ? "99.99" : p.ToString("0.##", CultureInfo.InvariantCulture))} %" : "—";
}
