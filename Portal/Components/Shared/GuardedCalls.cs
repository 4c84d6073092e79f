using Portal.Core.Common;

namespace Portal.Components.Shared;

/// <summary>A form's call to its service that never ends the circuit: what fails unexpectedly becomes a message, and the form keeps what was typed.</summary>
public static class GuardedCalls
{
    /// <summary>
    /// Runs <paramref name="call"/>; an exception other than a cancellation is logged and answered as a failure
    /// saying the portal could not <paramref name="what"/>.
    /// </summary>
    public static async Task<Result<T>> GuardedAsync<T>(this ILogger logger, string what, Func<Task<Result<T>>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Could not {What}", what);
            return new Failure(FailureKind.Conflict, $"The portal could not {what}; try again (its log has the details).");
        }
    }
}
