using System.Text;

namespace NgsiFlow.Broker.Internal;

/// <summary>
/// What an update (single or batch) could not apply, and Orion's answer for it: 404 <c>NotFound</c> when no entity
/// named exists, 422 <c>Unprocessable</c> when nothing at all applied, 422 <c>PartialUpdate</c> when some did.
/// </summary>
/// <remarks>
/// The description lists the failures as Orion words them: <c>do not exist: E/T - [ C, D ], G/T [entity itself]</c>
/// (the first item only is separated by a dash when it is a whole entity), with the type shown only where the
/// request named it.
/// </remarks>
internal sealed class PartialUpdateReport(bool appendStrict)
{
    private readonly StringBuilder _items = new();
    private int _failures;
    private int _applied;
    private int _found;

    /// <summary>An entity of the request was updated in full.</summary>
    public void Applied()
    {
        _found++;
        _applied++;
    }

    /// <summary>An entity of the request does not exist.</summary>
    public void EntityMissing(string id, string? type)
    {
        Separate();
        _items.Append(Name(id, type)).Append(_failures == 0 ? " - [entity itself]" : " [entity itself]");
        _failures++;
    }

    /// <summary>Some (or all, when <paramref name="nothingApplied"/>) of an existing entity's attributes were refused.</summary>
    public void Refused(string id, string? type, IReadOnlyList<string> names, bool nothingApplied)
    {
        _found++;
        if (!nothingApplied)
        {
            _applied++;
        }

        Separate();
        _items.Append(Name(id, type)).Append(" - [ ").AppendJoin(", ", names).Append(" ]");
        _failures++;
    }

    /// <summary>An entity of the request failed for another reason, with that error's description.</summary>
    public void Failed(string description)
    {
        _found++;
        Separate();
        _items.Append(description);
        _failures++;
    }

    /// <summary>The error to answer, or null when everything applied.</summary>
    public OrionException? ToError()
    {
        if (_failures == 0)
        {
            return null;
        }

        var description = (appendStrict ? "one or more of the attributes in the request already exist: " : "do not exist: ") + _items;
        if (_applied > 0)
        {
            return new OrionException(422, "PartialUpdate", description);
        }

        return _found == 0 ? OrionException.NotFound(description) : OrionException.Unprocessable(description);
    }

    private static string Name(string id, string? type) => type is null ? id : id + "/" + type;

    private void Separate()
    {
        if (_items.Length > 0)
        {
            _items.Append(", ");
        }
    }
}
