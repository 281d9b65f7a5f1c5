using NgsiFlow.Broker.Internal.Json;

namespace NgsiFlow.Broker.Internal.Model;

/// <summary>
/// Orion's attribute update operators: a value <c>{"$inc": 2}</c> (and <c>$mul</c>, <c>$min</c>, <c>$max</c>,
/// <c>$push</c>, <c>$addToSet</c>, <c>$pull</c>, <c>$pullAll</c>, <c>$set</c>, <c>$unset</c>, the last two together)
/// is applied to the stored value, not stored itself. Without a stored value (creation, replacement, a new attribute)
/// numbers start from 0, dates from the epoch, objects from <c>{}</c> and arrays from <c>[]</c>; <c>$pull</c>,
/// <c>$pullAll</c> and <c>$unset</c> then create nothing. An operator that cannot apply (<c>$inc</c> of text) is a
/// 400 naming it, where Orion passes MongoDB's refusal on as a 500.
/// </summary>
internal static class UpdateOperators
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "$inc", "$mul", "$min", "$max", "$push", "$addToSet", "$pull", "$pullAll", "$set", "$unset",
    };

    /// <summary>Whether <paramref name="value"/> is an operation rather than a value.</summary>
    public static bool IsOperation(object? value) => value is JsonMap map && map.Count switch
    {
        1 => Known.Contains(map[0].Key),
        2 => map.TryGet("$set", out _) && map.TryGet("$unset", out _),
        _ => false,
    };

    /// <summary>
    /// The value an operation leaves: applied to <paramref name="current"/> when <paramref name="exists"/>, else to the
    /// operator's starting value. Null with <paramref name="create"/> false when the attribute is not to be created.
    /// </summary>
    public static object? Apply(string attribute, JsonMap operation, object? current, bool exists, string? type, out bool create)
    {
        create = true;
        if (operation.Count == 2)
        {
            operation.TryGet("$set", out var set);
            operation.TryGet("$unset", out var unset);
            if (set is JsonMap s && unset is JsonMap u && s.Any(p => u.TryGet(p.Key, out _)))
            {
                throw Refused(attribute, "$set", "the same key is in $set and in $unset");
            }

            return Unset(Set(attribute, current, exists, set), unset);
        }

        var (op, arg) = (operation[0].Key, operation[0].Value);
        switch (op)
        {
            case "$inc":
            case "$mul":
                var n = arg as double? ?? throw Refused(attribute, op, $"{op} takes a number, not {Describe(arg)}");
                var start = exists ? current as double? ?? throw Refused(attribute, op, $"the attribute's value is {Describe(current)}, not a number") : 0d;
                return op == "$inc" ? start + n : start * n;
            case "$min":
            case "$max":
                if (!exists)
                {
                    return arg is string text && IsDate(type, text)
                        ? (op == "$min" ? Earliest(text, "1970-01-01T00:00:00.000Z") : Latest(text, "1970-01-01T00:00:00.000Z"))
                        : arg is double d ? (op == "$min" ? Math.Min(0, d) : Math.Max(0, d)) : JsonValues.Clone(arg);
                }

                var order = Compare(current, arg, type);
                return (op == "$min" ? order > 0 : order < 0) ? JsonValues.Clone(arg) : current;
            case "$push":
            case "$addToSet":
                var list = exists ? (current as List<object?> ?? throw Refused(attribute, op, $"the attribute's value is {Describe(current)}, not an array")).ToList() : [];
                var (items, position) = Each(attribute, op, arg);
                var added = new List<object?>();
                foreach (var item in items)
                {
                    if (op == "$push" || (!list.Any(x => JsonValues.DeepEquals(x, item)) && !added.Any(x => JsonValues.DeepEquals(x, item))))
                    {
                        added.Add(JsonValues.Clone(item));
                    }
                }

                list.InsertRange(position is { } p ? Math.Clamp(p < 0 ? list.Count + p : p, 0, list.Count) : list.Count, added);
                return list;
            case "$pull":
            case "$pullAll":
                if (!exists)
                {
                    create = false;
                    return null;
                }

                var from = current as List<object?> ?? throw Refused(attribute, op, $"the attribute's value is {Describe(current)}, not an array");
                var remove = op == "$pullAll" ? arg as List<object?> ?? throw Refused(attribute, op, $"$pullAll takes an array, not {Describe(arg)}") : [arg];
                return from.Where(x => !remove.Any(r => JsonValues.DeepEquals(x, r))).ToList();
            case "$set":
                return Set(attribute, current, exists, arg);
            default:
                if (!exists)
                {
                    create = false;
                    return null;
                }

                return Unset(current, arg);
        }
    }

    private static object? Set(string attribute, object? current, bool exists, object? arg)
    {
        if (arg is not JsonMap changes)
        {
            return JsonValues.Clone(arg); // a non-object $set is a plain update
        }

        var target = exists ? current as JsonMap ?? throw Refused(attribute, "$set", $"the attribute's value is {Describe(current)}, not an object") : new JsonMap();
        var result = (JsonMap)JsonValues.Clone(target)!;
        foreach (var (key, value) in changes)
        {
            var path = key.Split('.');
            var here = result;
            for (var i = 0; i < path.Length - 1; i++)
            {
                if (!here.TryGet(path[i], out var next) || next is not JsonMap child)
                {
                    child = new JsonMap();
                    here.Set(path[i], child);
                }

                here = child;
            }

            here.Set(path[^1], JsonValues.Clone(value));
        }

        return result;
    }

    private static object? Unset(object? current, object? arg)
    {
        if (arg is not JsonMap keys || current is not JsonMap map)
        {
            return current; // $unset of a non-object, or on a non-object value, is ignored
        }

        var result = (JsonMap)JsonValues.Clone(map)!;
        foreach (var (key, _) in keys)
        {
            var path = key.Split('.');
            var here = result;
            for (var i = 0; i < path.Length - 1 && here is not null; i++)
            {
                here = here.TryGet(path[i], out var next) ? next as JsonMap : null;
            }

            here?.RemoveAll(p => p.Key == path[^1]);
        }

        return result;
    }

    private static (List<object?> Items, int? Position) Each(string attribute, string op, object? arg)
    {
        if (arg is JsonMap modifiers && modifiers.TryGet("$each", out var each))
        {
            var items = each as List<object?> ?? throw Refused(attribute, op, $"$each takes an array, not {Describe(each)}");
            int? position = null;
            if (modifiers.TryGet("$position", out var at))
            {
                position = at is double d && d == Math.Floor(d) ? (int)d : throw Refused(attribute, op, $"$position takes a whole number, not {Describe(at)}");
            }

            return (items, position);
        }

        return ([arg], null);
    }

    /// <summary>MongoDB's order: across kinds null, numbers, text, objects, arrays, booleans; dates as dates.</summary>
    private static int Compare(object? a, object? b, string? type)
    {
        if (a is string sa && b is string sb)
        {
            return IsDate(type, sa) && Dates.TryParse(sa, out var da) && Dates.TryParse(sb, out var db) ? da.CompareTo(db) : string.CompareOrdinal(sa, sb);
        }

        if (a is double na && b is double nb)
        {
            return na.CompareTo(nb);
        }

        if (a is bool ba && b is bool bb)
        {
            return ba.CompareTo(bb);
        }

        return Rank(a).CompareTo(Rank(b));
    }

    private static int Rank(object? value) => value switch
    {
        null => 0,
        double => 1,
        string => 2,
        JsonMap => 3,
        List<object?> => 4,
        _ => 5,
    };

    private static bool IsDate(string? type, string text) => type == "DateTime" && Dates.TryParse(text, out _);

    private static string Earliest(string a, string b) => Dates.TryParse(a, out var da) && Dates.TryParse(b, out var db) && db < da ? b : a;

    private static string Latest(string a, string b) => Dates.TryParse(a, out var da) && Dates.TryParse(b, out var db) && db > da ? b : a;

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string => "a string",
        double => "a number",
        bool => "a boolean",
        JsonMap => "an object",
        List<object?> => "an array",
        _ => "a value",
    };

    private static OrionException Refused(string attribute, string op, string why) =>
        OrionException.BadRequest($"cannot apply {op} to attribute '{attribute}': {why}");
}
