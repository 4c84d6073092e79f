namespace Portal.Core.Common;

/// <summary>Why an operation did not happen, in words fit to show the user.</summary>
public enum FailureKind
{
    /// <summary>The input breaks a rule; <see cref="Failure.Errors"/> names the fields.</summary>
    Validation,

    /// <summary>The input clashes with what exists (a taken name, a second use of a one-time token).</summary>
    Conflict,

    /// <summary>Nothing of that name or id exists for the caller.</summary>
    NotFound,

    /// <summary>The caller may not do this (it is for platform admins).</summary>
    Forbidden,
}

public sealed record Failure(FailureKind Kind, string Message, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static Failure Validation(string field, string message) =>
        new(FailureKind.Validation, message, new Dictionary<string, string[]> { [field] = [message] });

    public static Failure Conflict(string field, string message) =>
        new(FailureKind.Conflict, message, new Dictionary<string, string[]> { [field] = [message] });

    public static Failure NotFound(string message) => new(FailureKind.NotFound, message);

    public static Failure Forbidden(string message) => new(FailureKind.Forbidden, message);
}

/// <summary>The outcome of an operation that can fail for reasons the caller should show, not throw.</summary>
public readonly record struct Result<T>
{
    private Result(T? value, Failure? failure) => (Value, Failure) = (value, failure);

    public T? Value { get; }

    public Failure? Failure { get; }

    public bool Succeeded => Failure is null;

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(Failure failure) => new(default, failure);
}
