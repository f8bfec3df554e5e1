/* Cell renderers for the AG Grids (served locally like every other asset). */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions =
  window.dashAgGridComponentFunctions || {});

/* A status as a coloured Bootstrap badge; the row carries the code for the colour. */
dagcomponentfuncs.StatusBadge = function (props) {
  if (!props.data) {
    return null;
  }
  return React.createElement(
    "span",
    { className: "badge rounded-pill status-badge status-" + props.data.status },
    props.value
  );
};
