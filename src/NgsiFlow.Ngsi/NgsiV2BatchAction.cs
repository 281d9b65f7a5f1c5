namespace NgsiFlow.Ngsi;

/// <summary>The <c>actionType</c> of an NGSI-v2 batch update (<c>POST /v2/op/update</c>).</summary>
public enum NgsiV2BatchAction
{
    /// <summary>Create entities or add/replace attributes (<c>append</c>).</summary>
    Append = 0,

    /// <summary>Create entities or add attributes, failing on existing ones (<c>appendStrict</c>).</summary>
    AppendStrict,

    /// <summary>Update existing attributes (<c>update</c>).</summary>
    Update,

    /// <summary>Delete attributes or entities (<c>delete</c>).</summary>
    Delete,

    /// <summary>Replace all attributes (<c>replace</c>).</summary>
    Replace,
}
