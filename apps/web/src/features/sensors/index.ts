/**
 * The sensors feature's public surface: the charts page's parts, and the uPlot wrapper for any
 * chart in the app (the fine-tuning loss chart uses the same library).
 */
export { UPlotChart, type UPlotChartProps } from './components/uplot-chart';
export { SensorOverview } from './components/sensor-overview';
export { ImportPanel } from './components/import-panel';
export { DeleteReadings } from './components/delete-readings';
