using NgsiFlow.Connector;
using NgsiFlow.Engine.Records;
using NgsiFlow.Engine.Records.Transforms;

namespace NgsiFlow.Cli.Pipelines.Edge;

/// <summary>
/// The edge seed's flow as NgsiFlow transforms: flatten the nested network object, convert the strings to numbers
/// and the system time to a timestamp, split the accelerometer triple and the disk usage, add the route and ingest
/// time, and route hot CPUs to <see cref="AlertsOutput"/>; every valid record also updates its device's entity.
/// </summary>
internal static class EdgeFlow
{
    /// <summary>The ingest route the devices post to.</summary>
    public const string Route = "sensors";

    /// <summary>The output of readings whose CPU is at 70 °C or more.</summary>
    public const string AlertsOutput = "alerts";

    /// <summary>The transforms.</summary>
    public static RecordPipeline Pipeline { get; } = new(
        new Flatten(),
        new Cast("cputemp", FieldType.Number, required: true),
        new Cast("memory", FieldType.Number),
        new Cast("bme680_tempc", FieldType.Number, required: true),
        new Cast("bme680_humidity", FieldType.Number),
        new Cast("bme680_pressure", FieldType.Number),
        new Cast("systemtime", FieldType.Timestamp, "MM/dd/yyyy HH:mm:ss", required: true),
        Split.ByPattern("lsm303d_accelerometer", @"(?<accel_x>[-+.\d]+)g : (?<accel_y>[-+.\d]+)g : (?<accel_z>[-+.\d]+)g"),
        new Cast("accel_x", FieldType.Number),
        new Cast("accel_y", FieldType.Number),
        new Cast("accel_z", FieldType.Number),
        Split.ByPattern("diskusage", @"(?<diskusage_mb>[\d.]+) MB"),
        new Cast("diskusage_mb", FieldType.Number),
        new AddField("route", AddField.RouteValue),
        new AddField("ingest_time", AddField.IngestTimeValue),
        new Route([(RecordCondition.Parse("cputemp>=70"), AlertsOutput)]));

    /// <summary>Each device's latest reading as an NGSI entity <c>urn:ngsi-ld:Device:{host}</c>.</summary>
    public static RecordEntityMap Bridge { get; } = new("urn:ngsi-ld:Device:${host}", "Device")
    {
        Include = ["cputemp", "memory", "bme680_tempc", "bme680_humidity", "bme680_pressure", "accel_x", "accel_y", "accel_z", "systemtime"],
    };
}
