namespace NgsiFlow.Broker.Internal;

/// <summary>An error answered to the client with Orion's status code and error body.</summary>
internal sealed class OrionException : Exception
{
    public OrionException(int status, string error, string description)
        : base(description)
    {
        Status = status;
        Error = error;
        Description = description;
    }

    public int Status { get; }

    public string Error { get; }

    public string Description { get; }

    public static OrionException BadRequest(string description) => new(400, "BadRequest", description);

    public static OrionException NotFound(string description) => new(404, "NotFound", description);

    public static OrionException Unprocessable(string description) => new(422, "Unprocessable", description);

    public static OrionException Parse() => new(400, "ParseError", "Errors found in incoming JSON buffer");

    /// <summary>Orion's ParseError, its description followed by what was wrong and where.</summary>
    public static OrionException Parse(string detail) => new(400, "ParseError", "Errors found in incoming JSON buffer: " + detail);

    public static OrionException EntityNotFound() => NotFound("The requested entity has not been found. Check type and id");

    public static OrionException AttributeNotFound() => NotFound("The entity does not have such an attribute");

    public static OrionException TooManyResults() => new(409, "TooManyResults", "More than one matching entity. Please refine your query");
}
