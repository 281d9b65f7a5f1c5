namespace NgsiFlow.Ngsi;

/// <summary>
/// Raised by typed access and feature vectors when an entity lacks an attribute the caller needs,
/// or holds it with a value of the wrong kind.
/// </summary>
public sealed class NgsiAttributeException : InvalidOperationException
{
    /// <summary>Creates the error.</summary>
    /// <param name="entityId">The entity.</param>
    /// <param name="attributeName">The attribute.</param>
    /// <param name="problem">What is wrong, e.g. "is missing" or "is not numeric (found a string)".</param>
    public NgsiAttributeException(string entityId, string attributeName, string problem)
        : base($"Entity '{entityId}': attribute '{attributeName}' {problem}.")
    {
        EntityId = entityId;
        AttributeName = attributeName;
        Problem = problem;
    }

    /// <summary>Creates the error.</summary>
    public NgsiAttributeException()
        : this("?", "?", "is not usable")
    {
    }

    /// <summary>Creates the error.</summary>
    /// <param name="message">The message.</param>
    public NgsiAttributeException(string message)
        : base(message)
    {
        EntityId = AttributeName = Problem = string.Empty;
    }

    /// <summary>Creates the error.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public NgsiAttributeException(string message, Exception innerException)
        : base(message, innerException)
    {
        EntityId = AttributeName = Problem = string.Empty;
    }

    /// <summary>The entity id.</summary>
    public string EntityId { get; }

    /// <summary>The attribute that is missing or unusable.</summary>
    public string AttributeName { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
