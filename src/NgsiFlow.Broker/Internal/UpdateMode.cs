namespace NgsiFlow.Broker.Internal;

/// <summary>How an attributes payload applies to an existing entity.</summary>
internal enum UpdateMode
{
    /// <summary>POST /attrs, op append: update existing attributes and add new ones.</summary>
    Append,

    /// <summary>POST /attrs?options=append, op appendStrict: only new attributes; existing ones are an error.</summary>
    AppendStrict,

    /// <summary>PATCH /attrs, op update: only existing attributes; unknown ones are an error.</summary>
    Update,

    /// <summary>PUT /attrs, op replace: the payload becomes the attribute set.</summary>
    Replace,
}
