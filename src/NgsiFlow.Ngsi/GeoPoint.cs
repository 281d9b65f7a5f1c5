namespace NgsiFlow.Ngsi;

/// <summary>A GeoJSON position.</summary>
/// <param name="Longitude">Longitude in degrees (first GeoJSON coordinate).</param>
/// <param name="Latitude">Latitude in degrees (second GeoJSON coordinate).</param>
/// <param name="Altitude">Altitude when the position has a third coordinate.</param>
public readonly record struct GeoPoint(double Longitude, double Latitude, double? Altitude = null);
