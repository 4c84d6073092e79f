using System.Text.Json;
using Portal.Core.Stratos;
using Portal.Infrastructure.Stratos;

namespace Portal.Components.Pages.Import;

/// <summary>One artifact to import: where it came from and its JSON.</summary>
public sealed record StratosUpload(string Source, string Json)
{
    /// <summary>
    /// The artifacts in the order they can be imported (policies and partitions, then cartridges, groups, and
    /// applications last), so a person may drop Stratos's files in any order. Unreadable ones go last (their
    /// import says what is wrong with them).
    /// </summary>
    public static IReadOnlyList<StratosUpload> InImportOrder(IEnumerable<StratosUpload> uploads) =>
        [.. uploads.Select((upload, index) => (upload, index, order: OrderOf(upload.Json)))
            .OrderBy(u => u.order).ThenBy(u => u.index).Select(u => u.upload)];

    private static int OrderOf(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return StratosArtifacts.Detect(document.RootElement) is { } kind ? StratosArtifacts.ImportOrder(kind) : int.MaxValue;
        }
        catch (JsonException)
        {
            return int.MaxValue;
        }
    }
}

/// <summary>What importing one artifact gave: its report, or why it was refused (with the fields at fault).</summary>
public sealed record StratosUploadOutcome(string Source, StratosImportReport? Report, string? Error, IReadOnlyList<string> Details)
{
    public bool Imported => Report is not null;
}
