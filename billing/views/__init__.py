"""The billing app's pages (each module: one area of the chart's billing records)."""
